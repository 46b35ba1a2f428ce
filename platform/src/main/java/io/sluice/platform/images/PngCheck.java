package io.sluice.platform.images;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import io.sluice.platform.images.ImageCheck.Result;
import io.sluice.platform.images.ImageCheck.Shape;

/**
 * The PNG check (ISO/IEC 15948): every chunk's CRC, IHDR first and IEND last, consecutive IDAT
 * chunks whose zlib stream is complete and inflates to exactly the bytes the header implies (Adam7
 * passes included), a known filter type on every row — without keeping a pixel.
 */
final class PngCheck {

    static final byte[] SIGNATURE = {(byte) 137, 80, 78, 71, 13, 10, 26, 10};
    private static final int IHDR = 0x49484452;
    private static final int PLTE = 0x504c5445;
    private static final int TRNS = 0x74524e53;
    private static final int IDAT = 0x49444154;
    private static final int IEND = 0x49454e44;
    /** Adam7 passes: x start, y start, x step, y step. */
    private static final int[][] ADAM7 = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2},
            {0, 1, 1, 2}};

    /** Scratch space per thread for inflated rows (never holds a whole image). */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[16 * 1024]);

    private PngCheck() {}

    static Result png(byte[] content, long maxPixels) {
        ByteBuffer in = ByteBuffer.wrap(content);
        in.position(SIGNATURE.length);
        CRC32 crc = new CRC32();
        int width = 0;
        int height = 0;
        int bitDepth = 0;
        int colorType = -1;
        boolean interlaced = false;
        boolean palette = false;
        boolean transparency = false;
        boolean paletteAlpha = false;
        boolean ended = false;
        boolean idatSeen = false;
        boolean idatDone = false;
        RowWalker rows = null;
        Inflater inflater = new Inflater();
        try {
            int chunks = 0;
            while (!ended) {
                if (in.remaining() < 12) {
                    return Result.error(chunks == 0 ? "no IHDR chunk" : "truncated PNG: no IEND chunk");
                }
                long length = in.getInt() & 0xffffffffL;
                int type = in.getInt();
                if (length > in.remaining() - 4) {
                    return Result.error("truncated PNG: chunk " + chunkName(type) + " of " + length + " bytes runs past the end of the file");
                }
                int dataStart = in.position();
                crc.reset();
                crc.update(content, dataStart - 4, (int) length + 4);
                in.position(dataStart + (int) length);
                if ((int) crc.getValue() != in.getInt()) {
                    return Result.error("chunk " + chunkName(type) + " fails its CRC check");
                }
                if (chunks++ == 0 && type != IHDR) {
                    return Result.error("the first chunk is " + chunkName(type) + ", not IHDR");
                }
                if (idatSeen && type != IDAT) {
                    idatDone = true;
                }
                switch (type) {
                    case IHDR -> {
                        if (chunks != 1 || length != 13) {
                            return Result.error("malformed IHDR chunk");
                        }
                        width = ByteBuffer.wrap(content, dataStart, 13).getInt();
                        height = ByteBuffer.wrap(content, dataStart + 4, 9).getInt();
                        bitDepth = content[dataStart + 8] & 0xff;
                        colorType = content[dataStart + 9] & 0xff;
                        int interlace = content[dataStart + 12] & 0xff;
                        if (width <= 0 || height <= 0) {
                            return Result.error("image of " + width + "x" + height + " pixels");
                        }
                        if (!validDepth(colorType, bitDepth) || content[dataStart + 10] != 0 || content[dataStart + 11] != 0
                                || interlace > 1) {
                            return Result.error("unsupported IHDR: colour type " + colorType + ", bit depth " + bitDepth);
                        }
                        if ((long) width * height > maxPixels) {
                            return new Result(null, "image of " + (long) width * height + " pixels is out of range");
                        }
                        interlaced = interlace == 1;
                        rows = new RowWalker(width, height, samples(colorType) * bitDepth, interlaced);
                    }
                    case PLTE -> {
                        if (length == 0 || length % 3 != 0 || length > 768) {
                            return Result.error("malformed PLTE chunk");
                        }
                        palette = true;
                    }
                    case TRNS -> {
                        transparency = true;
                        for (int i = 0; i < length && !paletteAlpha; i++) {
                            paletteAlpha = (content[dataStart + i] & 0xff) != 0xff;
                        }
                    }
                    case IDAT -> {
                        if (idatDone) {
                            return Result.error("IDAT chunks are not consecutive");
                        }
                        idatSeen = true;
                        String error = rows.feed(inflater, content, dataStart, (int) length);
                        if (error != null) {
                            return Result.error(error);
                        }
                    }
                    case IEND -> ended = true;
                    default -> {
                        if ((type >>> 24 & 0x20) == 0) {
                            return Result.error("unknown critical chunk " + chunkName(type));
                        }
                    }
                }
            }
            if (!idatSeen) {
                return Result.error("no image data (IDAT)");
            }
            if (colorType == 3 && !palette) {
                return Result.error("a palette image without a PLTE chunk");
            }
            if (!inflater.finished()) {
                return Result.error("the compressed image data is truncated");
            }
            if (!rows.complete()) {
                return Result.error("the image data ends after " + rows.consumed + " of " + rows.expected + " bytes");
            }
            return new Result(new Shape(pngChannels(colorType, bitDepth, transparency, paletteAlpha), height, width), null);
        } finally {
            inflater.end();
        }
    }

    private static String chunkName(int type) {
        char[] name = new char[4];
        for (int i = 0; i < 4; i++) {
            int c = type >>> (24 - 8 * i) & 0xff;
            name[i] = c >= 0x20 && c < 0x7f ? (char) c : '?';
        }
        return new String(name);
    }

    private static boolean validDepth(int colorType, int bitDepth) {
        return switch (colorType) {
            case 0 -> bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8 || bitDepth == 16;
            case 3 -> bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8;
            case 2, 4, 6 -> bitDepth == 8 || bitDepth == 16;
            default -> false;
        };
    }

    private static int samples(int colorType) {
        return switch (colorType) {
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> 1;
        };
    }

    /**
     * Colour components of the image {@code javax.imageio} decodes (its PNG reader expands a
     * tRNS chunk into an alpha channel and reads greys below 8 bits through a colour palette).
     */
    static int pngChannels(int colorType, int bitDepth, boolean transparency, boolean paletteAlpha) {
        return switch (colorType) {
            case 0 -> transparency ? 2 : bitDepth < 8 ? 3 : 1;
            case 2 -> transparency ? 4 : 3;
            case 3 -> paletteAlpha ? 4 : 3;
            case 4 -> 2;
            default -> 4;
        };
    }

    /** Inflates the image data chunk by chunk and checks each row's filter byte, keeping nothing. */
    private static final class RowWalker {
        private final long[] rowsPerPass;
        private final long[] bytesPerRow;
        final long expected;
        long consumed;
        private int pass;
        private long rowInPass;
        private long positionInRow; // 0: the next byte is a row's filter byte

        RowWalker(int width, int height, int bitsPerPixel, boolean interlaced) {
            int passes = interlaced ? ADAM7.length : 1;
            rowsPerPass = new long[passes];
            bytesPerRow = new long[passes];
            long total = 0;
            for (int p = 0; p < passes; p++) {
                long w = interlaced ? span(width, ADAM7[p][0], ADAM7[p][2]) : width;
                long h = interlaced ? span(height, ADAM7[p][1], ADAM7[p][3]) : height;
                rowsPerPass[p] = w == 0 ? 0 : h;
                bytesPerRow[p] = (w * bitsPerPixel + 7) / 8;
                total += rowsPerPass[p] * (1 + bytesPerRow[p]);
            }
            expected = total;
            skipEmptyPasses();
        }

        private static long span(int size, int start, int step) {
            return size <= start ? 0 : (size - start + step - 1) / step;
        }

        private void skipEmptyPasses() {
            while (pass < rowsPerPass.length && rowInPass >= rowsPerPass[pass]) {
                pass++;
                rowInPass = 0;
            }
        }

        boolean complete() {
            return consumed >= expected;
        }

        /** Inflates one IDAT chunk's data; returns why the data is broken, else null. */
        String feed(Inflater inflater, byte[] content, int offset, int length) {
            if (inflater.finished()) {
                return length == 0 ? null : "data after the end of the compressed image data";
            }
            inflater.setInput(content, offset, length);
            byte[] scratch = SCRATCH.get();
            try {
                while (!inflater.finished() && !inflater.needsInput()) {
                    int n = inflater.inflate(scratch);
                    if (n == 0 && inflater.needsDictionary()) {
                        return "the compressed image data needs a preset dictionary";
                    }
                    String error = rows(scratch, n);
                    if (error != null) {
                        return error;
                    }
                }
            } catch (DataFormatException e) {
                return "corrupt compressed image data: " + e.getMessage();
            }
            return null;
        }

        private String rows(byte[] data, int n) {
            int i = 0;
            while (i < n && pass < rowsPerPass.length) {
                if (positionInRow == 0 && (data[i] & 0xff) > 4) {
                    return "unknown row filter type " + (data[i] & 0xff);
                }
                long rowLength = 1 + bytesPerRow[pass];
                long step = Math.min(rowLength - positionInRow, n - i);
                i += (int) step;
                consumed += step;
                positionInRow += step;
                if (positionInRow == rowLength) {
                    positionInRow = 0;
                    rowInPass++;
                    skipEmptyPasses();
                }
            }
            consumed += n - i; // extra data beyond the image is ignored, as decoders do
            return null;
        }
    }
}
