package io.sluice.inference.djl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

import io.sluice.inference.domain.InvalidInputException;
import io.sluice.platform.images.ImageCheck;

/** Reads an encoded image's declared size before it is decoded, so a small file cannot expand into gigabytes. */
final class Images {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Images() {}

    /** What an encoded image's header declares. */
    record Header(long pixels, int channels) {

        /** Pixels times channels: the elements of the image as sent. */
        long elements() {
            return pixels * channels;
        }
    }

    /**
     * Refuses images that are not PNG, JPEG, BMP or GIF, that declare more than {@code maxPixels} pixels, or — PNG and
     * JPEG, with the same structural check ingest uses (platform's {@link ImageCheck}) — that are damaged: a chunk
     * failing its CRC, a truncated file or zlib stream, a segment past the end. Returns the header.
     */
    static Header requireAtMost(byte[] encoded, long maxPixels) {
        if (encoded != null) {
            ImageCheck.Result checked = ImageCheck.inspect(encoded, maxPixels); // a PNG or JPEG proven whole before decoding
            if (checked != null && checked.error() != null) {
                throw new InvalidInputException(checked.error());
            }
        }
        Header header = header(encoded);
        if (header.pixels() > maxPixels) {
            throw new InvalidInputException("the image has " + header.pixels() + " pixels, at most " + maxPixels + " are accepted");
        }
        return header;
    }

    /** Reads an image's size and channels from its header, without decoding it. */
    static Header header(byte[] encoded) {
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
                Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
                int channels = types != null && types.hasNext() ? types.next().getNumBands() : 1;
                return new Header(pixels, channels);
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
