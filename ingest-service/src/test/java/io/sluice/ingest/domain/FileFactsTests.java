package io.sluice.ingest.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import io.sluice.ingest.TestDatasets;

/** Images are decoded for real: size and channels of good ones, the reason for bad ones. */
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
}
