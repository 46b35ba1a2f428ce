package io.sluice.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.ObjectKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPackageTests {

    @TempDir
    Path temp;

    FileObjectStore store;
    URI bucket;
    ModelPackage models;

    @BeforeEach
    void setUp() {
        store = new FileObjectStore(temp.resolve("buckets"));
        bucket = store.bucket("models");
        models = new ModelPackage(store, temp.resolve("cache"));
    }

    @Test
    void loadsAWrittenImageModelThatPredictsExactlyAsTheTrainedOne() throws Exception {
        assertSamePredictionsAfterRoundTrip(TestCards.image("v1"));
    }

    @Test
    void loadsAWrittenCsvModelThatPredictsExactlyAsTheTrainedOne() throws Exception {
        assertSamePredictionsAfterRoundTrip(TestCards.csv("v1"));
    }

    @Test
    void writesEveryFileUnderTheVersionPrefixWithTheCardLast() throws Exception {
        ModelCard card = TestCards.csv("v7");
        ModelPackage.Written written;
        try (Model model = newModel(card)) {
            written = models.write(bucket, card, model.getBlock(), Map.of());
        }

        assertThat(written.modelUri()).isEqualTo(ObjectKeys.resolve(bucket, "models/points/v7/"));
        assertThat(written.artifactUris()).containsExactly(ObjectKeys.resolve(written.modelUri(), ModelPackage.PARAMETERS_FILE),
                written.cardUri());
        ModelCard.FileDigest parameters = written.card().files().get(ModelPackage.PARAMETERS_FILE);
        Path onDisk = Path.of(ObjectKeys.resolve(written.modelUri(), ModelPackage.PARAMETERS_FILE));
        assertThat(parameters.sha256()).isEqualTo(ModelPackage.sha256(onDisk));
        assertThat(parameters.size()).isEqualTo(Files.size(onDisk));
    }

    @Test
    void rejectsATamperedParameterFileNamingIt() throws Exception {
        ModelPackage.Written written = writeUntrained(TestCards.csv("v1"));
        Path parameters = Path.of(ObjectKeys.resolve(written.modelUri(), ModelPackage.PARAMETERS_FILE));
        byte[] bytes = Files.readAllBytes(parameters);
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(parameters, bytes);

        assertThatThrownBy(() -> models.load(written.modelUri(), Device.cpu()))
                .isInstanceOf(ModelIntegrityException.class)
                .hasMessageContaining(ModelPackage.PARAMETERS_FILE).hasMessageContaining("SHA-256")
                .satisfies(e -> assertThat(((ModelIntegrityException) e).fileName()).isEqualTo(ModelPackage.PARAMETERS_FILE));
    }

    @Test
    void rejectsATruncatedParameterFile() throws Exception {
        ModelPackage.Written written = writeUntrained(TestCards.csv("v1"));
        Path parameters = Path.of(ObjectKeys.resolve(written.modelUri(), ModelPackage.PARAMETERS_FILE));
        Files.write(parameters, new byte[] {1, 2, 3});

        assertThatThrownBy(() -> models.fetch(written.modelUri())).isInstanceOf(ModelIntegrityException.class)
                .hasMessageContaining("size is 3 bytes");
    }

    @Test
    void rejectsACachedCopyThatWasChangedAndFetchesAVerifiedOneAgain() throws Exception {
        ModelPackage.Written written = writeUntrained(TestCards.csv("v1"));
        ModelPackage.Fetched first = models.fetch(written.modelUri());
        Files.write(first.parameters(), new byte[] {9});

        ModelPackage.Fetched second = models.fetch(written.modelUri());

        assertThat(ModelPackage.sha256(second.parameters())).isEqualTo(written.card().files().get(ModelPackage.PARAMETERS_FILE).sha256());
    }

    @Test
    void rejectsACardCopiedToAnotherVersion() throws Exception {
        ModelPackage.Written written = writeUntrained(TestCards.csv("v1"));
        URI other = ObjectKeys.resolve(bucket, "models/points/v2/");
        store.put(ObjectKeys.resolve(other, ModelPackage.CARD_FILE), store.read(written.cardUri()));

        assertThatThrownBy(() -> models.fetch(other)).isInstanceOf(InvalidModelCardException.class).hasMessageContaining("points/v1");
    }

    @Test
    void saysWhenAVersionHasNoCard() {
        assertThatThrownBy(() -> models.fetch(ObjectKeys.resolve(bucket, "models/points/nothing/")))
                .isInstanceOf(java.io.FileNotFoundException.class).hasMessageContaining("no model card");
    }

    private ModelPackage.Written writeUntrained(ModelCard card) throws Exception {
        try (Model model = newModel(card)) {
            return models.write(bucket, card, model.getBlock(), Map.of());
        }
    }

    private static Model newModel(ModelCard card) {
        Model model = Model.newInstance("test", Device.cpu(), "PyTorch");
        Block block = Networks.build(card);
        model.setBlock(block);
        block.initialize(model.getNDManager(), DataType.FLOAT32, Networks.inputShape(card.input(), 1));
        return model;
    }

    private void assertSamePredictionsAfterRoundTrip(ModelCard card) throws Exception {
        Random random = new Random(7);
        float[][] inputs = new float[5][card.input().size()];
        for (float[] input : inputs) {
            for (int i = 0; i < input.length; i++) {
                input[i] = (float) random.nextGaussian();
            }
        }
        float[][] before = new float[inputs.length][];
        ModelPackage.Written written;
        try (Model model = newModel(card); Predictor<float[], Prediction> predictor = model.newPredictor(new ProbabilitiesTranslator(card))) {
            for (int i = 0; i < inputs.length; i++) {
                before[i] = predictor.predict(inputs[i]).probabilities();
            }
            written = models.write(bucket, card, model.getBlock(), Map.of());
        }

        try (LoadedModel loaded = models.load(written.modelUri(), Device.cpu());
             Predictor<float[], Prediction> predictor = loaded.newPredictor()) {
            assertThat(loaded.card()).isEqualTo(written.card());
            for (int i = 0; i < inputs.length; i++) {
                Prediction after = predictor.predict(inputs[i]);
                assertThat(after.probabilities()).containsExactly(before[i]);
                assertThat(after.classNames()).isEqualTo(card.classNames());
                assertThat(after.probabilities()).hasSize(card.classNames().size());
            }
            // a batch runs different kernels: equal up to float rounding
            assertThat(predictor.batchPredict(java.util.List.of(inputs)).get(0).probabilities())
                    .containsExactly(before[0], org.assertj.core.data.Offset.offset(1e-6f));
        }
    }
}
