package io.sluice.models;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

/**
 * Raw input → network input, shared by training and inference so preprocessing never diverges.
 * Images are decoded, converted to the card's colour mode, resized (bilinear) to its height and
 * width, scaled to [0,1] in CHW order, then standardised per channel; CSV rows are parsed in the
 * card's feature order and standardised per feature with the train split's statistics.
 */
public final class Inputs {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Inputs() {}

    /** The network input for an encoded image (PNG, JPEG, BMP, GIF): decoded, resized, scaled, normalised. */
    public static float[] image(byte[] encoded, ModelCard card) throws IOException {
        return normalise(imagePixels(encoded, card.input()), card.input(), card.normalisation());
    }

    /** The network input for a CSV row, values by column name (extra columns are ignored). */
    public static float[] csv(Map<String, String> row, ModelCard card) {
        List<String> names = card.input().featureNames();
        float[] values = new float[names.size()];
        for (int i = 0; i < values.length; i++) {
            String value = row.get(names.get(i));
            if (value == null) {
                throw new IllegalArgumentException("feature '" + names.get(i) + "' is missing");
            }
            values[i] = parse(names.get(i), value);
        }
        return normalise(values, card.input(), card.normalisation());
    }

    /** The network input for CSV values already in the card's feature order. */
    public static float[] csv(List<String> values, ModelCard card) {
        return normalise(csvRaw(values, card.input().featureNames()), card.input(), card.normalisation());
    }

    /** CSV values in feature order, parsed but not normalised (training computes the statistics from these). */
    public static float[] csvRaw(List<String> values, List<String> featureNames) {
        if (values.size() != featureNames.size()) {
            throw new IllegalArgumentException("expected " + featureNames.size() + " feature values " + featureNames + ", got " + values.size());
        }
        float[] parsed = new float[values.size()];
        for (int i = 0; i < parsed.length; i++) {
            parsed[i] = parse(featureNames.get(i), values.get(i));
        }
        return parsed;
    }

    /** Parses one CSV feature value; rejects blanks, text, NaN and infinities with the feature's name. */
    public static float parse(String feature, String value) {
        try {
            float parsed = Float.parseFloat(value.trim());
            if (!Float.isFinite(parsed)) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("feature '" + feature + "' is not a finite number: '" + value + "'");
        }
    }

    /** Decodes, converts and resizes an image to the spec; pixels scaled to [0,1], CHW order, not yet normalised. */
    public static float[] imagePixels(byte[] encoded, ModelCard.InputSpec spec) throws IOException {
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(encoded));
        if (decoded == null) {
            throw new IOException("not a readable image (PNG, JPEG, BMP or GIF expected)");
        }
        int channels = spec.shape().get(0);
        int height = spec.shape().get(1);
        int width = spec.shape().get(2);
        BufferedImage resized = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = resized.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(decoded, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        float[] pixels = new float[channels * height * width];
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = resized.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int gr = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                int at = y * width + x;
                if (channels == 1) {
                    // ITU-R BT.601 luma, the usual grayscale conversion
                    pixels[at] = (0.299f * r + 0.587f * gr + 0.114f * b) / 255f;
                } else {
                    pixels[at] = r / 255f;
                    pixels[plane + at] = gr / 255f;
                    pixels[2 * plane + at] = b / 255f;
                }
            }
        }
        return pixels;
    }

    /** Standardises raw values in place and returns them: per channel (CHW images) or per feature (CSV). */
    public static float[] normalise(float[] raw, ModelCard.InputSpec spec, ModelCard.Normalisation normalisation) {
        int dims = spec.normalisedDimensions();
        int per = raw.length / dims;
        if (per * dims != raw.length || raw.length != spec.size()) {
            throw new IllegalArgumentException("input has " + raw.length + " values, the model expects " + spec.size());
        }
        for (int d = 0; d < dims; d++) {
            float mean = normalisation.mean().get(d).floatValue();
            float std = normalisation.std().get(d).floatValue();
            for (int i = d * per; i < (d + 1) * per; i++) {
                raw[i] = (raw[i] - mean) / std;
            }
        }
        return raw;
    }

    /**
     * The values drift is measured on, from a raw (not normalised) input: the CSV features as
     * they are, or each image channel's mean intensity in [0,1]. Names: {@link #driftFeatureNames}.
     */
    public static double[] driftFeatures(float[] raw, ModelCard.InputSpec spec) {
        if (!spec.isImage()) {
            double[] values = new double[raw.length];
            for (int i = 0; i < raw.length; i++) {
                values[i] = raw[i];
            }
            return values;
        }
        int channels = spec.shape().get(0);
        int per = raw.length / channels;
        double[] means = new double[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int i = c * per; i < (c + 1) * per; i++) {
                sum += raw[i];
            }
            means[c] = sum / per;
        }
        return means;
    }

    /** Names of {@link #driftFeatures}, in order. */
    public static List<String> driftFeatureNames(ModelCard.InputSpec spec) {
        if (!spec.isImage()) {
            return spec.featureNames();
        }
        return java.util.stream.IntStream.range(0, spec.shape().get(0)).mapToObj(c -> "channel-" + c + "-mean-intensity").toList();
    }
}
