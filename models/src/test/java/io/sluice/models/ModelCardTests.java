package io.sluice.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ModelCardTests {

    @Test
    void survivesAJsonRoundTrip() throws Exception {
        ModelCard card = TestCards.image("v1");

        ModelCard read = ModelCard.fromJson(card.toJson());

        assertThat(read).isEqualTo(card);
    }

    @Test
    void writesTimesAsIsoStrings() {
        String json = new String(TestCards.image("v1").toJson(), StandardCharsets.UTF_8);

        assertThat(json).contains("\"createdAt\" : \"2026-11-22T20:00:00Z\"").contains("\"classNames\" : [ \"cross\", \"dot\", \"line\" ]");
    }

    @Test
    void rejectsMalformedJson() {
        assertThatThrownBy(() -> ModelCard.fromJson("{\"modelName\": ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidModelCardException.class).hasMessageContaining("malformed model card JSON");
    }

    @Test
    void rejectsACardWithoutClasses() {
        String json = new String(TestCards.image("v1").toJson(), StandardCharsets.UTF_8)
                .replace("\"classNames\" : [ \"cross\", \"dot\", \"line\" ]", "\"classNames\" : [ ]");

        assertThatThrownBy(() -> ModelCard.fromJson(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidModelCardException.class).hasMessageContaining("classNames");
    }

    @Test
    void rejectsAnUnknownArchitecture() {
        String json = new String(TestCards.image("v1").toJson(), StandardCharsets.UTF_8).replace("\"cnn\"", "\"transformer\"");

        assertThatThrownBy(() -> ModelCard.fromJson(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidModelCardException.class).hasMessageContaining("transformer");
    }

    @Test
    void rejectsNormalisationThatDoesNotFitTheInput() {
        ModelCard card = TestCards.csv("v1");
        ModelCard wrong = new ModelCard(card.formatVersion(), card.modelName(), card.version(), card.architecture(), card.classNames(),
                card.input(), new ModelCard.Normalisation(List.of(0.0), List.of(1.0)), card.training(), card.history(),
                card.bestEpoch(), card.dataset(), card.parentVersion(), card.runId(), card.createdAt(), card.files(), card.trainingData());

        assertThatThrownBy(() -> ModelCard.fromJson(wrong.toJson())).isInstanceOf(InvalidModelCardException.class)
                .hasMessageContaining("normalisation");
    }

    @Test
    void rejectsFileNamesThatAreNotPlainNames() {
        ModelCard card = TestCards.csv("v1").withFiles(Map.of(ModelPackage.PARAMETERS_FILE, new ModelCard.FileDigest("d".repeat(64), 1),
                "../evil", new ModelCard.FileDigest("d".repeat(64), 1)));

        assertThatThrownBy(() -> ModelCard.fromJson(card.toJson())).isInstanceOf(InvalidModelCardException.class)
                .hasMessageContaining("../evil");
    }

    @Test
    void rejectsAVersionThatIsNotASafeName() {
        String json = new String(TestCards.csv("v1").toJson(), StandardCharsets.UTF_8).replace("\"version\" : \"v1\"", "\"version\" : \"../v1\"");

        assertThatThrownBy(() -> ModelCard.fromJson(json.getBytes(StandardCharsets.UTF_8))).isInstanceOf(InvalidModelCardException.class)
                .hasMessageContaining("version");
    }
}
