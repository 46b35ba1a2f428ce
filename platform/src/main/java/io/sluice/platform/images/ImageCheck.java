package io.sluice.platform.images;

/**
 * Checks a PNG or JPEG without decoding its pixels: reads the geometry from the header and proves
 * the file whole — for a PNG every chunk's CRC, the complete zlib stream of exactly the size the
 * header implies and a valid filter byte on every row; for a JPEG every segment's length, the frame
 * and scan headers, the scan data's marker stuffing and the end-of-image marker. Channels follow what
 * {@code javax.imageio} would decode the image to. Files it does not fully understand (other
 * formats, arithmetic-coded or CMYK JPEGs) are left to a full {@code javax.imageio} decode. The one
 * implementation: ingest checks every dataset image with it, inference every image it is asked to
 * predict, both before any decoding.
 */
public final class ImageCheck {

    private ImageCheck() {}

    /**
     * The geometry of an image.
     *
     * @param channels channels as {@code javax.imageio} decodes the image
     */
    public record Shape(int channels, int height, int width) {}

    /**
     * What the check found: the geometry of a whole image, or why it is not one.
     *
     * @param shape geometry, null when {@code error} is set
     * @param error why the file is not a usable image, else null
     */
    public record Result(Shape shape, String error) {
        static Result error(String reason) {
            return new Result(null, "cannot decode image: " + reason);
        }
    }

    /** The result for a PNG or a plain JPEG, or null when a full decode has to decide. */
    public static Result inspect(byte[] content, long maxPixels) {
        if (startsWith(content, PngCheck.SIGNATURE)) {
            return PngCheck.png(content, maxPixels);
        }
        if (content.length >= 3 && (content[0] & 0xff) == 0xff && (content[1] & 0xff) == 0xd8 && (content[2] & 0xff) == 0xff) {
            return JpegCheck.jpeg(content, maxPixels);
        }
        return null;
    }

    private static boolean startsWith(byte[] content, byte[] prefix) {
        if (content.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (content[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
