package io.sluice.ingest.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import io.sluice.ingest.TestDatasets;

/**
 * Images are checked for real: size and channels of good ones (as a full javax.imageio decode sees
 * them), the reason for bad ones.
 */
class FileFactsTests {

    @Test
    void decodesPngAndJpegWhateverTheirNameSays() throws Exception {
        byte[] png = TestDatasets.png(12, 7, BufferedImage.TYPE_INT_ARGB, 3);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(5, 6, BufferedImage.TYPE_INT_RGB), "jpg", jpeg);

        assertThat(FileFacts.ofImage("a/x.png", png).image()).isEqualTo(new FileFacts.ImageShape(4, 7, 12));
        assertThat(FileFacts.ofImage("a/x.jpg", jpeg.toByteArray()).image()).isEqualTo(new FileFacts.ImageShape(3, 6, 5));
        assertThat(FileFacts.ofImage("a/mislabelled.jpg", png).image()).isEqualTo(new FileFacts.ImageShape(4, 7, 12));
        assertThat(FileFacts.ofImage("a/x.png", png).sha256()).isEqualTo(FileFacts.sha256(png)).hasSize(64);
    }

    @Test
    void namesWhyABrokenImageCannotBeRead() {
        byte[] png = TestDatasets.grey(1);
        byte[] truncated = Arrays.copyOf(png, png.length / 2);

        assertThat(FileFacts.ofImage("a/t.png", truncated).error()).startsWith("cannot decode image");
        assertThat(FileFacts.ofImage("a/t.png", "hello".getBytes()).error()).isEqualTo("not a PNG or JPEG image");
        assertThat(FileFacts.ofImage("a/t.png", new byte[0]).error()).isNotNull();
        // the reused reader still works after a failure
        assertThat(FileFacts.ofImage("a/ok.png", png).image()).isEqualTo(new FileFacts.ImageShape(1, 8, 8));
    }

    @Test
    void readsPngGeometryAsAFullDecodeDoesForEveryColourTypeAndBitDepth() throws Exception {
        int[][] modes = {{0, 1}, {0, 2}, {0, 4}, {0, 8}, {0, 16}, {2, 8}, {2, 16}, {3, 1}, {3, 2}, {3, 4}, {3, 8}, {4, 8}, {4, 16},
                {6, 8}, {6, 16}};
        int checked = 0;
        for (int[] mode : modes) {
            for (boolean transparency : new boolean[] {false, true}) {
                if (transparency && (mode[0] == 4 || mode[0] == 6)) {
                    continue; // tRNS is not allowed with an alpha channel
                }
                byte[] png = TestDatasets.rawPng(13, 5, mode[0], mode[1], transparency);
                FileFacts full = FileFacts.decoded(null, png, FileFacts.sha256(png));
                assertThat(full.error()).isNull();
                assertThat(FileFacts.ofImage("a/x.png", png))
                        .as("colour type %d, bit depth %d, tRNS %s", mode[0], mode[1], transparency)
                        .isEqualTo(full);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(26);
    }

    @Test
    void readsInterlacedPngsAndJpegsAsAFullDecodeDoes() throws Exception {
        for (int type : new int[] {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB}) {
            for (int size : new int[] {1, 3, 9, 17}) {
                BufferedImage image = new BufferedImage(size, size + 2, type);
                image.setRGB(0, 0, 0xff336699);
                for (byte[] encoded : new byte[][] {encode(image, "png", true), encode(image, "png", false)}) {
                    assertThat(FileFacts.ofImage("a/x.png", encoded)).isEqualTo(FileFacts.decoded(null, encoded, FileFacts.sha256(encoded)));
                }
                if (type != BufferedImage.TYPE_INT_ARGB) {
                    for (boolean progressive : new boolean[] {false, true}) {
                        byte[] jpeg = encode(image, "jpeg", progressive);
                        FileFacts full = FileFacts.decoded(null, jpeg, FileFacts.sha256(jpeg));
                        assertThat(full.error()).isNull();
                        assertThat(FileFacts.ofImage("a/x.jpg", jpeg)).as("%s JPEG %d", progressive ? "progressive" : "baseline", size)
                                .isEqualTo(full);
                    }
                }
            }
        }
    }

    @Test
    void rejectsAPngOrJpegCutAtAnyByte() throws Exception {
        byte[] png = TestDatasets.png(9, 4, BufferedImage.TYPE_INT_RGB, 5);
        byte[] jpeg = encode(new BufferedImage(9, 4, BufferedImage.TYPE_INT_RGB), "jpeg", false);
        for (byte[] image : new byte[][] {png, jpeg}) {
            for (int length = 0; length < image.length; length++) {
                FileFacts facts = FileFacts.ofImage("a/cut.png", Arrays.copyOf(image, length));
                assertThat(facts.error()).as("cut at %d of %d bytes", length, image.length).isNotNull();
                assertThat(facts.image()).isNull();
            }
        }
    }

    @Test
    void rejectsPngsWithDamagedChunks() throws Exception {
        byte[] good = TestDatasets.rawPng(6, 6, 2, 8, false);
        assertThat(FileFacts.ofImage("a/good.png", good).error()).isNull();

        byte[] flipped = good.clone();
        flipped[flipped.length - 20] ^= 0x10; // inside IDAT: the chunk's CRC no longer matches
        assertThat(FileFacts.ofImage("a/bad.png", flipped).error()).contains("CRC");

        byte[] header = Arrays.copyOf(good, 33); // signature + IHDR
        assertThat(FileFacts.ofImage("a/no-data.png", withChunks(header, "IEND", new byte[0])).error()).contains("no image data");
        byte[] rows = new byte[6 * (1 + 18)];
        rows[0] = 9; // filter type 9 does not exist
        assertThat(FileFacts.ofImage("a/filter.png", withChunks(header, "IDAT", TestDatasets.deflate(rows), "IEND", new byte[0])).error())
                .contains("filter type 9");
        assertThat(FileFacts.ofImage("a/short.png", withChunks(header, "IDAT", TestDatasets.deflate(new byte[40]), "IEND", new byte[0]))
                .error()).contains("ends after 40 of 114 bytes");
        assertThat(FileFacts.ofImage("a/garbage.png", withChunks(header, "IDAT", new byte[] {1, 2, 3, 4}, "IEND", new byte[0])).error())
                .contains("corrupt compressed image data");
        assertThat(FileFacts.ofImage("a/no-end.png", withChunks(header, "IDAT", TestDatasets.deflate(new byte[114]))).error())
                .contains("no IEND");
    }

    @Test
    void refusesHugeImagesFromTheHeaderAlone() throws Exception {
        byte[] huge = TestDatasets.rawPng(1, 1, 0, 8, false);
        java.nio.ByteBuffer.wrap(huge, 16, 8).putInt(10_000).putInt(10_000); // IHDR width and height, CRC fixed below
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(huge, 12, 17);
        java.nio.ByteBuffer.wrap(huge, 29, 4).putInt((int) crc.getValue());

        assertThat(FileFacts.ofImage("a/huge.png", huge).error()).isEqualTo("image of 100000000 pixels is out of range");
    }

    private static byte[] withChunks(byte[] start, Object... typeAndData) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(start);
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        for (int i = 0; i < typeAndData.length; i += 2) {
            TestDatasets.chunk(out, (String) typeAndData[i], (byte[]) typeAndData[i + 1]);
        }
        return bytes.toByteArray();
    }

    private static byte[] encode(BufferedImage image, String format, boolean progressive) throws Exception {
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
        if (param.canWriteProgressive()) {
            param.setProgressiveMode(progressive ? javax.imageio.ImageWriteParam.MODE_DEFAULT : javax.imageio.ImageWriteParam.MODE_DISABLED);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (javax.imageio.stream.ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new javax.imageio.IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
