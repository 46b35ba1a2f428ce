package io.sluice.inference.djl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import io.sluice.inference.domain.InvalidInputException;

/** Reads an encoded image's declared size before it is decoded, so a small file cannot expand into gigabytes. */
final class Images {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Images() {}

    /** Refuses images that are not PNG, JPEG, BMP or GIF, or that declare more than {@code maxPixels} pixels. */
    static void requireAtMost(byte[] encoded, long maxPixels) {
        if (encoded == null || encoded.length == 0) {
            throw new InvalidInputException("the image is empty");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new InvalidInputException("not a readable image (PNG, JPEG, BMP or GIF expected)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw new InvalidInputException("the image has " + pixels + " pixels, at most " + maxPixels + " are accepted");
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException invalid) {
                throw invalid;
            }
            throw new InvalidInputException("unreadable image: " + e.getMessage());
        }
    }
}
