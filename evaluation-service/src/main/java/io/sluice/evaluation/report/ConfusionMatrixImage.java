package io.sluice.evaluation.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/**
 * Renders a confusion matrix as a PNG (headless java.awt): rows are true classes, columns
 * predicted classes, each cell shows its count shaded by its share of the row, both axes are
 * labelled with the class names, and the title carries model, version and accuracy.
 */
public final class ConfusionMatrixImage {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final int CELL = 56;
    private static final int MARGIN = 24;

    private ConfusionMatrixImage() {}

    /** PNG bytes of the matrix {@code counts[true][predicted]}. */
    public static byte[] render(String title, List<String> classNames, long[][] counts) throws IOException {
        int k = classNames.size();
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        Font countFont = new Font(Font.SANS_SERIF, Font.BOLD, 13);
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 14);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D measure = probe.createGraphics();
        FontMetrics labels = measure.getFontMetrics(labelFont);
        int longest = classNames.stream().mapToInt(labels::stringWidth).max().orElse(0);
        int titleWidth = measure.getFontMetrics(titleFont).stringWidth(title);
        measure.dispose();

        int left = MARGIN + 20 + longest + 8; // axis title, class names, gap
        int top = MARGIN + 30; // title
        int grid = k * CELL;
        int width = Math.max(left + grid + MARGIN, titleWidth + 2 * MARGIN);
        int height = top + grid + 8 + longest + 24 + MARGIN;

        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(titleFont);
            g.drawString(title, MARGIN, MARGIN + 8);

            for (int t = 0; t < k; t++) {
                long rowTotal = 0;
                for (long c : counts[t]) {
                    rowTotal += c;
                }
                for (int p = 0; p < k; p++) {
                    double share = rowTotal == 0 ? 0 : (double) counts[t][p] / rowTotal;
                    Color base = t == p ? new Color(33, 113, 181) : new Color(203, 24, 29);
                    g.setColor(blend(Color.WHITE, base, share));
                    int x = left + p * CELL;
                    int y = top + t * CELL;
                    g.fillRect(x, y, CELL, CELL);
                    g.setColor(Color.GRAY);
                    g.setStroke(new BasicStroke(1));
                    g.drawRect(x, y, CELL, CELL);
                    g.setColor(share > 0.55 ? Color.WHITE : Color.BLACK);
                    g.setFont(countFont);
                    String text = Long.toString(counts[t][p]);
                    FontMetrics fm = g.getFontMetrics();
                    g.drawString(text, x + (CELL - fm.stringWidth(text)) / 2, y + (CELL + fm.getAscent() - fm.getDescent()) / 2);
                }
            }
            g.setColor(Color.BLACK);
            g.setFont(labelFont);
            FontMetrics fm = g.getFontMetrics();
            for (int i = 0; i < k; i++) {
                String name = classNames.get(i);
                // row labels (true classes), right-aligned left of the grid
                g.drawString(name, left - 8 - fm.stringWidth(name), top + i * CELL + (CELL + fm.getAscent()) / 2 - 2);
                // column labels (predicted classes), vertical below the grid
                AffineTransform saved = g.getTransform();
                g.translate(left + i * CELL + (CELL + fm.getAscent()) / 2 - 2, top + grid + 8);
                g.rotate(Math.PI / 2);
                g.drawString(name, 0, 0);
                g.setTransform(saved);
            }
            g.setFont(labelFont.deriveFont(Font.BOLD));
            String predicted = "predicted class";
            g.drawString(predicted, left + (grid - g.getFontMetrics().stringWidth(predicted)) / 2, top + grid + 8 + longest + 18);
            AffineTransform saved = g.getTransform();
            String actual = "true class";
            g.translate(MARGIN + 12, top + (grid + g.getFontMetrics().stringWidth(actual)) / 2);
            g.rotate(-Math.PI / 2);
            g.drawString(actual, 0, 0);
            g.setTransform(saved);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** The title: model, version and accuracy. */
    public static String title(String modelName, String version, double accuracy) {
        return String.format(Locale.ROOT, "%s %s — accuracy %.4f", modelName, version, accuracy);
    }

    private static Color blend(Color from, Color to, double share) {
        double s = Math.max(0, Math.min(1, share));
        return new Color((int) Math.round(from.getRed() + (to.getRed() - from.getRed()) * s),
                (int) Math.round(from.getGreen() + (to.getGreen() - from.getGreen()) * s),
                (int) Math.round(from.getBlue() + (to.getBlue() - from.getBlue()) * s));
    }
}
