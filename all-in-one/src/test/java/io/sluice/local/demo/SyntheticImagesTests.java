package io.sluice.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated dataset: decodable 16x16 PNGs, distinct images, separable classes, and the upload layout of {@code ./sluice upload}. */
class SyntheticImagesTests {

    @TempDir
    Path dataDir;

    @Test
    void drawsDistinct16x16ImagesWhosePatternNamesTheClass() throws IOException {
        Random random = new Random(7);
        Set<String> seen = new HashSet<>();
        for (String label : SyntheticImages.CLASSES) {
            for (int i = 0; i < 20; i++) {
                byte[] png = SyntheticImages.png(label, random, 0);
                assertThat(seen.add(java.util.HexFormat.of().formatHex(png))).isTrue();
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
                assertThat(image.getWidth()).isEqualTo(16);
                assertThat(image.getHeight()).isEqualTo(16);
                assertThat(nearestPattern(image)).isEqualTo(label);
            }
        }
    }

    @Test
    void brightensDriftedInputs() throws IOException {
        double plain = meanOf(SyntheticImages.png("stripes", new Random(1), 0));
        double drifted = meanOf(SyntheticImages.png("stripes", new Random(1), 90));

        assertThat(drifted - plain).isGreaterThan(60);
    }

    @Test
    void writesTheImagesOfEveryClassThenTheMarker() throws IOException {
        int written = SyntheticImages.upload(dataDir, "shapes", "a", 5, 3);

        Path dataset = dataDir.resolve("buckets").resolve(SyntheticImages.RAW_BUCKET).resolve("datasets").resolve("shapes");
        assertThat(written).isEqualTo(15);
        assertThat(dataset.resolve(SyntheticImages.MARKER)).exists();
        for (String label : SyntheticImages.CLASSES) {
            try (Stream<Path> files = Files.list(dataset.resolve(label))) {
                assertThat(files.map(p -> p.getFileName().toString()).toList()).hasSize(5).allMatch(n -> n.startsWith("a-") && n.endsWith(".png"));
            }
        }
    }

    /** Which pattern an image follows: compares the brightness change along rows, columns and diagonals. */
    private static String nearestPattern(BufferedImage image) {
        double horizontal = 0;
        double vertical = 0;
        for (int y = 0; y < 15; y++) {
            for (int x = 0; x < 15; x++) {
                horizontal += Math.abs(gray(image, x + 1, y) - gray(image, x, y));
                vertical += Math.abs(gray(image, x, y + 1) - gray(image, x, y));
            }
        }
        double ratio = horizontal / vertical;
        return ratio > 2 ? "columns" : ratio < 0.5 ? "stripes" : "checks";
    }

    private static int gray(BufferedImage image, int x, int y) {
        return image.getRGB(x, y) & 0xff;
    }

    private static double meanOf(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        double sum = 0;
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                sum += gray(image, x, y);
            }
        }
        return sum / 256;
    }

}
