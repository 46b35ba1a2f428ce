package io.sluice.inference.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import io.sluice.inference.domain.InvalidInputException;

/** Serving refuses damaged images as ingest does, before anything decodes them. */
class ImagesTests {

    private static byte[] png(int width, int height) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY), "png", out);
        return out.toByteArray();
    }

    @Test
    void acceptsAWholeImage() throws Exception {
        assertThat(Images.requireAtMost(png(8, 6), 100).pixels()).isEqualTo(48);
    }

    @Test
    void refusesAPngWithABrokenCrc() throws Exception {
        byte[] broken = png(8, 8);
        broken[29] ^= 0x01; // a byte of the IHDR chunk's CRC
        assertThatThrownBy(() -> Images.requireAtMost(broken, 100)).isInstanceOf(InvalidInputException.class).hasMessageContaining("CRC");
    }

    @Test
    void refusesATruncatedPng() throws Exception {
        byte[] png = png(8, 8);
        assertThatThrownBy(() -> Images.requireAtMost(Arrays.copyOf(png, png.length - 12), 100))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("truncated");
    }

    @Test
    void refusesTooManyPixelsBeforeDecoding() throws Exception {
        assertThatThrownBy(() -> Images.requireAtMost(png(20, 20), 100)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("pixels");
    }
}
