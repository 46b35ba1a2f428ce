package io.sluice.platform.images;

import io.sluice.platform.images.ImageCheck.Result;
import io.sluice.platform.images.ImageCheck.Shape;

/**
 * The JPEG check (ITU T.81): every segment's length within the file, one baseline, extended or
 * progressive Huffman frame header, scan headers, scan data without stray markers, and the
 * end-of-image marker. Other processes, CMYK or two-component frames are left to a full decode.
 */
final class JpegCheck {

    private JpegCheck() {}

    static Result jpeg(byte[] content, long maxPixels) {
        int pos = 2;
        int width = -1;
        int height = -1;
        int components = 0;
        boolean scanned = false;
        while (true) {
            if (pos >= content.length) {
                return Result.error("truncated JPEG: no end-of-image marker");
            }
            if ((content[pos] & 0xff) != 0xff) {
                return Result.error("expected a JPEG marker at byte " + pos);
            }
            while (pos < content.length && (content[pos] & 0xff) == 0xff) {
                pos++; // fill bytes
            }
            if (pos >= content.length) {
                return Result.error("truncated JPEG: no end-of-image marker");
            }
            int marker = content[pos++] & 0xff;
            if (marker == 0xd9) {
                if (components == 0 || !scanned) {
                    return Result.error("JPEG ends without " + (components == 0 ? "a frame header" : "image data"));
                }
                break;
            }
            if (marker == 0x01 || marker >= 0xd0 && marker <= 0xd7) {
                continue; // markers without a segment
            }
            if (marker == 0xd8 || marker == 0x00) {
                return Result.error("unexpected JPEG marker 0x" + Integer.toHexString(marker));
            }
            if (pos + 2 > content.length) {
                return Result.error("truncated JPEG: segment 0x" + Integer.toHexString(marker) + " has no length");
            }
            int length = (content[pos] & 0xff) << 8 | content[pos + 1] & 0xff;
            if (length < 2 || pos + length > content.length) {
                return Result.error("truncated JPEG: segment 0x" + Integer.toHexString(marker) + " of " + length
                        + " bytes runs past the end of the file");
            }
            int data = pos + 2;
            int end = pos + length;
            if (marker == 0xc0 || marker == 0xc1 || marker == 0xc2) {
                if (components != 0 || length < 8) {
                    return Result.error("malformed or repeated JPEG frame header");
                }
                height = (content[data + 1] & 0xff) << 8 | content[data + 2] & 0xff;
                width = (content[data + 3] & 0xff) << 8 | content[data + 4] & 0xff;
                components = content[data + 5] & 0xff;
                if (length != 8 + 3 * components) {
                    return Result.error("malformed JPEG frame header");
                }
                if (components != 1 && components != 3 || height == 0) {
                    return null; // CMYK, YCCK, two components or a DNL height: let the full decoder decide
                }
                if (width == 0) {
                    return Result.error("image of 0 pixels");
                }
                if ((long) width * height > maxPixels) {
                    return new Result(null, "image of " + (long) width * height + " pixels is out of range");
                }
            } else if (marker >= 0xc3 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc) {
                return null; // lossless or arithmetic-coded: the full decoder names what it does not support
            } else if (marker == 0xda) {
                if (components == 0) {
                    return Result.error("JPEG scan before the frame header");
                }
                int scanComponents = content[data] & 0xff;
                if (scanComponents < 1 || scanComponents > 4 || length != 6 + 2 * scanComponents) {
                    return Result.error("malformed JPEG scan header");
                }
                scanned = true;
                pos = scanEnd(content, end);
                if (pos < 0) {
                    return Result.error("truncated JPEG: the scan data has no end");
                }
                continue;
            }
            pos = end;
        }
        return new Result(new Shape(components, height, width), null);
    }

    /** Index of the marker after entropy-coded data starting at {@code from}, or -1 when the data runs to the end. */
    private static int scanEnd(byte[] content, int from) {
        for (int i = from; i < content.length - 1; i++) {
            if ((content[i] & 0xff) == 0xff) {
                int next = content[i + 1] & 0xff;
                if (next != 0x00 && (next < 0xd0 || next > 0xd7) && next != 0xff) {
                    return i;
                }
            }
        }
        return -1;
    }
}
