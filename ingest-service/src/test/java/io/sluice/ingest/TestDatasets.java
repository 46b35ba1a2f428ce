package io.sluice.ingest;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import javax.imageio.ImageIO;

import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStore;

/** Tiny datasets generated in code: PNG image folders and CSV files, written through an {@link ObjectStore}. */
public final class TestDatasets {

    private TestDatasets() {}

    /** A PNG of the given size and type, whose pixels depend on {@code seed} (so every file differs). */
    public static byte[] png(int width, int height, int type, int seed) {
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color((seed * 53) % 256, (seed * 97) % 256, (seed * 31) % 256));
        g.fillRect(0, 0, width, height);
        g.setColor(Color.WHITE);
        g.fillRect(seed % width, (seed / width) % height, 1, 1);
        g.dispose();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] grey(int seed) {
        return png(8, 8, BufferedImage.TYPE_BYTE_GRAY, seed);
    }

    /** Writes {@code <class>/img NNN.png} for each class and count under the dataset prefix; returns the file count. */
    public static int writeImages(ObjectStore store, URI datasetPrefix, Map<String, Integer> perClass, int seedBase) throws IOException {
        int written = 0;
        for (Map.Entry<String, Integer> entry : perClass.entrySet()) {
            for (int i = 0; i < entry.getValue(); i++) {
                store.put(ObjectKeys.resolve(datasetPrefix, entry.getKey() + "/img " + String.format("%03d", i) + ".png"),
                        grey(seedBase + written));
                written++;
            }
        }
        return written;
    }

    /** A CSV with two numeric features and a label column, {@code rows} rows alternating between labels a and b. */
    public static byte[] csv(int rows) {
        StringBuilder csv = new StringBuilder("x1,x2,label\n");
        for (int i = 0; i < rows; i++) {
            csv.append(i * 0.5).append(',').append(-i).append(',').append(i % 2 == 0 ? "a" : "b").append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static void markComplete(ObjectStore store, URI datasetPrefix) throws IOException {
        store.put(ObjectKeys.resolve(datasetPrefix, "_SUCCESS"), new byte[0]);
    }
}
