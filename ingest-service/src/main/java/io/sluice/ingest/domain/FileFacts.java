package io.sluice.ingest.domain;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import io.sluice.platform.images.ImageCheck;

/**
 * What one data file holds: its SHA-256 and, for an image, its decoded geometry or why it cannot be
 * decoded.
 *
 * @param size   bytes
 * @param sha256 hex SHA-256 of the content
 * @param image  geometry of a decodable image, else null
 * @param error  why an image could not be decoded, else null
 */
public record FileFacts(long size, String sha256, ImageShape image, String error) {

    /** Largest image accepted, in pixels: stops decompression bombs before they are decoded. */
    static final long MAX_PIXELS = 64L * 1024 * 1024;

    static {
        ImageIO.setUseCache(false); // decode in memory, never through temp files
    }

    /**
     * An image's geometry.
     *
     * @param channels colour components per pixel (1 grey, 3 RGB, 4 RGBA)
     */
    public record ImageShape(int channels, int height, int width) {
        @Override
        public String toString() {
            return width + "x" + height + "x" + channels;
        }
    }

    /** Facts of a plain file (hash only). */
    public static FileFacts of(byte[] content) {
        return new FileFacts(content.length, sha256(content), null, null);
    }

    /** Facts of an image file: proves it is a real image (see {@link #ofImage(String, byte[])}). */
    public static FileFacts ofImage(byte[] content) {
        return ofImage(null, content);
    }

    /**
     * Facts of an image file. A PNG or a plain JPEG is checked from its structure without decoding
     * pixels ({@link ImageCheck}: geometry from the header, every chunk or segment proven whole);
     * anything else is decoded fully: the reader of the name's format first (one reused per thread:
     * creating readers costs more than decoding a small image), then whatever reader recognises the
     * content.
     */
    public static FileFacts ofImage(String name, byte[] content) {
        String hash = sha256(content);
        ImageCheck.Result checked = ImageCheck.inspect(content, MAX_PIXELS);
        if (checked != null) {
            ImageCheck.Shape shape = checked.shape();
            return new FileFacts(content.length, hash, shape == null ? null : new ImageShape(shape.channels(), shape.height(), shape.width()),
                    checked.error());
        }
        return decoded(name, content, hash);
    }

    /** Facts of an image file from a full {@code javax.imageio} decode. */
    static FileFacts decoded(String name, byte[] content, String hash) {
        ImageReader known = name == null ? null : PNG_OR_JPEG.get().get(name.toLowerCase(java.util.Locale.ROOT).endsWith(".png") ? 0 : 1);
        if (known != null && known.getOriginatingProvider() != null) {
            try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(content))) {
                if (known.getOriginatingProvider().canDecodeInput(in)) {
                    return decode(known, in, content.length, hash, false);
                }
            } catch (IOException | RuntimeException e) {
                // fall through to content sniffing, which reports the error
            }
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(content))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return new FileFacts(content.length, hash, null, "not a PNG or JPEG image");
            }
            return decode(readers.next(), in, content.length, hash, true);
        } catch (IOException | RuntimeException e) {
            return new FileFacts(content.length, hash, null, "cannot decode image: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private static FileFacts decode(ImageReader reader, ImageInputStream in, long size, String hash, boolean dispose) throws IOException {
        try {
            reader.setInput(in, true, true);
            long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
            if (pixels <= 0 || pixels > MAX_PIXELS) {
                return new FileFacts(size, hash, null, "image of " + pixels + " pixels is out of range");
            }
            BufferedImage image = reader.read(0);
            return new FileFacts(size, hash, new ImageShape(image.getColorModel().getNumComponents(), image.getHeight(), image.getWidth()),
                    null);
        } finally {
            if (dispose) {
                reader.dispose();
            } else {
                reader.reset();
            }
        }
    }

    /** A PNG and a JPEG reader per thread. */
    private static final ThreadLocal<java.util.List<ImageReader>> PNG_OR_JPEG = ThreadLocal.withInitial(() -> java.util.Arrays.asList(
            ImageIO.getImageReadersByFormatName("png").hasNext() ? ImageIO.getImageReadersByFormatName("png").next() : null,
            ImageIO.getImageReadersByFormatName("jpeg").hasNext() ? ImageIO.getImageReadersByFormatName("jpeg").next() : null));

    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
