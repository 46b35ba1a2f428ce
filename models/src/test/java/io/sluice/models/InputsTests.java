package io.sluice.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

class InputsTests {

    @Test
    void resizesAnImageToTheCardsShapeAndNormalisesIt() throws Exception {
        ModelCard card = TestCards.image("v1"); // 1x8x8 grayscale, mean 0.5, std 0.25
        byte[] png = png(32, 16, Color.WHITE);

        float[] input = Inputs.image(png, card);

        assertThat(input).hasSize(64);
        assertThat(input[0]).isEqualTo((1f - 0.5f) / 0.25f);
    }

    @Test
    void convertsColourToGrayscaleWithLuma() throws Exception {
        ModelCard.InputSpec spec = TestCards.image("v1").input();

        float[] pixels = Inputs.imagePixels(png(8, 8, new Color(255, 0, 0)), spec);

        assertThat(pixels[10]).isCloseTo(0.299f, org.assertj.core.data.Offset.offset(1e-3f));
    }

    @Test
    void keepsRgbChannelsInChwOrder() throws Exception {
        ModelCard.InputSpec spec = new ModelCard.InputSpec(ModelCard.InputSpec.IMAGE_FOLDER, List.of(3, 4, 4), ModelCard.InputSpec.RGB, List.of());

        float[] pixels = Inputs.imagePixels(png(4, 4, new Color(255, 0, 128)), spec);

        assertThat(pixels[0]).isEqualTo(1f);
        assertThat(pixels[16]).isEqualTo(0f);
        assertThat(pixels[32]).isCloseTo(128 / 255f, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void rejectsBytesThatAreNotAnImage() {
        assertThatThrownBy(() -> Inputs.image("hello".getBytes(), TestCards.image("v1"))).hasMessageContaining("not a readable image");
    }

    @Test
    void standardisesCsvFeaturesWithTheTrainStatistics() {
        ModelCard card = TestCards.csv("v1"); // mean [1, -2], std [2, 4]

        assertThat(Inputs.csv(Map.of("y", "2", "x", "5", "extra", "ignored"), card)).containsExactly(2f, 1f);
        assertThat(Inputs.csv(List.of("5", "2"), card)).containsExactly(2f, 1f);
    }

    @Test
    void rejectsMissingAndNonNumericCsvFeaturesNamingThem() {
        ModelCard card = TestCards.csv("v1");

        assertThatThrownBy(() -> Inputs.csv(Map.of("x", "1"), card)).hasMessageContaining("'y' is missing");
        assertThatThrownBy(() -> Inputs.csv(List.of("1", "NaN"), card)).hasMessageContaining("'y' is not a finite number");
        assertThatThrownBy(() -> Inputs.csv(List.of("1"), card)).hasMessageContaining("expected 2 feature values");
    }

    @Test
    void profilesTheTrainSplitForNormalisationAndDrift() {
        ModelCard.InputSpec spec = TestCards.csv("v1").input();
        DataProfile profile = new DataProfile(spec, List.of("left", "right"));
        profile.add(new float[] {0, 10}, "left");
        profile.add(new float[] {2, 10}, "right");
        profile.add(new float[] {4, 10}, "right");

        ModelCard.Normalisation normalisation = profile.normalisation();
        ModelCard.DataSummary summary = profile.summary();

        assertThat(normalisation.mean()).containsExactly(2.0, 10.0);
        assertThat(normalisation.std().get(0)).isCloseTo(Math.sqrt(8.0 / 3), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(normalisation.std().get(1)).as("constant feature").isEqualTo(1.0);
        assertThat(summary.classCounts()).containsEntry("left", 1L).containsEntry("right", 2L);
        assertThat(summary.features().get(0).binCounts()).containsExactly(1L, 0L, 0L, 0L, 0L, 1L, 0L, 0L, 0L, 1L);
        assertThat(summary.features().get(0).name()).isEqualTo("x");
    }

    private static byte[] png(int width, int height, Color color) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
