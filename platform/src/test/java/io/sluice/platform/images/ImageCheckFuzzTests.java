package io.sluice.platform.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

import javax.imageio.ImageIO;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The structural image check fed whole, damaged (bytes flipped, cut, inserted) and arbitrary PNG and JPEG files: it
 * answers a shape or a reason (a 400 in serving, a {@code corrupt-file} issue in ingest), never an exception.
 */
class ImageCheckFuzzTests {

    static final byte[] PNG = encode("png", BufferedImage.TYPE_INT_ARGB);
    static final byte[] JPEG = encode("jpg", BufferedImage.TYPE_INT_RGB);

    static byte[] encode(String format, int type) {
        BufferedImage image = new BufferedImage(13, 7, type);
        for (int x = 0; x < 13; x++) {
            image.setRGB(x, x % 7, 0xff00ff00 | x * 16);
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, format, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void readsWholeImagesAndRefusesABrokenCrcAndATruncatedFile() {
        assertThat(ImageCheck.inspect(PNG, 1000).shape()).isEqualTo(new ImageCheck.Shape(4, 7, 13));
        assertThat(ImageCheck.inspect(JPEG, 1000).shape()).isEqualTo(new ImageCheck.Shape(3, 7, 13));
        byte[] crc = PNG.clone();
        crc[29] ^= 1;
        assertThat(ImageCheck.inspect(crc, 1000).error()).contains("CRC");
        assertThat(ImageCheck.inspect(Arrays.copyOf(PNG, PNG.length - 12), 1000).error()).contains("truncated");
        assertThat(ImageCheck.inspect(Arrays.copyOf(JPEG, JPEG.length - 2), 1000).error()).contains("truncated");
        assertThat(ImageCheck.inspect(PNG, 10).error()).contains("out of range");
    }

    @Property(tries = 1000)
    void answersAShapeOrAReasonForAnyDamage(@ForAll("damaged") byte[] file) {
        ImageCheck.Result result = ImageCheck.inspect(file, 1 << 20);
        if (result != null) {
            assertThat(result.shape() == null).isEqualTo(result.error() != null);
        }
    }

    @Provide
    Arbitrary<byte[]> damaged() {
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.of(PNG, JPEG), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 100_000), Arbitraries.bytes()).as((file, how, where, b) -> {
                    int at = where % file.length;
                    return switch (how) {
                        case 0 -> { byte[] f = file.clone(); f[at] ^= (byte) (b == 0 ? 1 : b); yield f; }   // flipped bits
                        case 1 -> Arrays.copyOf(file, at);                                                  // cut short
                        case 2 -> { byte[] f = new byte[file.length + 1]; System.arraycopy(file, 0, f, 0, at); f[at] = b;
                                    System.arraycopy(file, at, f, at + 1, file.length - at); yield f; }     // inserted
                        default -> { byte[] f = file.clone(); Arrays.fill(f, at, Math.min(f.length, at + 16), b); yield f; }
                    };
                });
        return Arbitraries.oneOf(mutated, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)
                .map(tail -> { byte[] f = Arrays.copyOf(PNG, 8 + tail.length); System.arraycopy(tail, 0, f, 8, tail.length); return f; }));
    }
}
