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

    /**
     * A PNG written chunk by chunk (so every colour type and bit depth can be made): {@code 137 PNG},
     * IHDR, a two-entry PLTE for palette images, a tRNS chunk when {@code transparency}, one IDAT of
     * rows of the given pattern byte (filter type 0), IEND.
     */
    public static byte[] rawPng(int width, int height, int colorType, int bitDepth, boolean transparency) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
            out.write(new byte[] {(byte) 137, 80, 78, 71, 13, 10, 26, 10});
            java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(13).putInt(width).putInt(height)
                    .put((byte) bitDepth).put((byte) colorType).put((byte) 0).put((byte) 0).put((byte) 0);
            chunk(out, "IHDR", header.array());
            int samples = switch (colorType) { case 2 -> 3; case 4 -> 2; case 6 -> 4; default -> 1; };
            if (colorType == 3) {
                chunk(out, "PLTE", new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255});
            }
            if (transparency) {
                chunk(out, "tRNS", colorType == 3 ? new byte[] {0} : colorType == 0 ? new byte[2] : new byte[6]);
            }
            int rowBytes = (width * samples * bitDepth + 7) / 8;
            byte[] raw = new byte[height * (rowBytes + 1)];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = i % (rowBytes + 1) == 0 ? 0 : (byte) (i * 7);
            }
            chunk(out, "IDAT", deflate(raw));
            chunk(out, "IEND", new byte[0]);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** zlib-compresses bytes. */
    public static byte[] deflate(byte[] raw) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater();
        deflater.setInput(raw);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    /** Writes one PNG chunk: length, type, data, CRC-32 of type and data. */
    public static void chunk(java.io.DataOutputStream out, String type, byte[] data) throws IOException {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(name);
        crc.update(data);
        out.writeInt(data.length);
        out.write(name);
        out.write(data);
        out.writeInt((int) crc.getValue());
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
