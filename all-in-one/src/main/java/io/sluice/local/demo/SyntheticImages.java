package io.sluice.local.demo;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import javax.imageio.ImageIO;

import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.ObjectKeys;

/**
 * A small image dataset generated in code, so nothing is downloaded: 16x16 PNGs of three classes
 * with clearly different patterns (horizontal stripes, vertical stripes, a checkerboard), each with
 * a random phase and pixel noise, so no two images are alike. A brightness shift makes drifted inputs.
 */
public final class SyntheticImages {

    /** The classes, in the order their folders are written. */
    public static final List<String> CLASSES = List.of("checks", "columns", "stripes");

    /** The raw-data bucket of the local stack (a folder under {@code <data-dir>/buckets}). */
    public static final String RAW_BUCKET = "sluice-local-raw-data";

    /** Completion marker that starts the pipeline (what {@code ./sluice upload} writes last). */
    public static final String MARKER = "_SUCCESS";

    private static final int SIZE = 16;
    private static final int DARK = 60;
    private static final int LIGHT = 160;
    private static final int NOISE = 24;

    private SyntheticImages() {}

    /** One PNG of {@code label}; {@code brightness} is added to every pixel (0: like the training data). */
    public static byte[] png(String label, Random random, int brightness) {
        int phaseX = random.nextInt(4);
        int phaseY = random.nextInt(4);
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                boolean on = switch (label) {
                    case "stripes" -> ((y + phaseY) / 2) % 2 == 0;
                    case "columns" -> ((x + phaseX) / 2) % 2 == 0;
                    case "checks" -> (((x + phaseX) / 2) + ((y + phaseY) / 2)) % 2 == 0;
                    default -> throw new IllegalArgumentException("unknown class " + label);
                };
                int value = (on ? LIGHT : DARK) + random.nextInt(2 * NOISE + 1) - NOISE + brightness;
                int v = Math.max(0, Math.min(255, value));
                image.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Writes {@code perClass} images of every class to {@code datasets/<dataset>/<class>/<prefix>-<n>.png} in the
     * raw bucket under {@code <dataDir>/buckets}, then the {@value #MARKER} marker — exactly what
     * {@code ./sluice upload} does. A new {@code prefix} adds files, so the dataset gets a new version.
     *
     * @return how many images were written
     */
    public static int upload(Path dataDir, String dataset, String prefix, int perClass, long seed) throws IOException {
        ObjectKeys.requireSafe(dataset);
        FileObjectStore store = new FileObjectStore(dataDir.resolve("buckets"));
        URI root = ObjectKeys.resolve(store.bucket(RAW_BUCKET), "datasets/" + dataset + "/");
        Random random = new Random(seed);
        int written = 0;
        for (int i = 0; i < perClass; i++) {
            for (String label : CLASSES) {
                store.put(ObjectKeys.resolve(root, label + "/" + prefix + "-" + i + ".png"), png(label, random, 0));
                written++;
            }
        }
        store.put(ObjectKeys.resolve(root, MARKER), new byte[0]);
        return written;
    }
}
