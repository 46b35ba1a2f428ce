package io.sluice.evaluation.djl;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import io.sluice.evaluation.domain.ScoredSamples;
import io.sluice.models.DatasetSamples;
import io.sluice.models.InvalidModelCardException;
import io.sluice.models.LoadedModel;
import io.sluice.models.ModelCard;
import io.sluice.models.ModelIntegrityException;
import io.sluice.models.ModelPackage;
import io.sluice.models.Prediction;
import io.sluice.platform.datasets.DatasetManifest;
import io.sluice.platform.datasets.Split;
import io.sluice.platform.storage.ObjectStore;

/**
 * Scores a model version on the test split of a dataset manifest: fetches it through
 * {@link ModelPackage} (every file verified against the card's SHA-256), reads the split with
 * {@link DatasetSamples} and the card's input spec, normalises with the card (exactly what
 * inference does) and predicts in batches. Classes are matched by name, so a model whose class
 * list differs from the dataset's is still scored fairly.
 */
public final class DjlScorer {

    private final ObjectStore store;
    private final ModelPackage models;
    private final Device device;
    private final int batchSize;

    /**
     * @param batchSize samples per forward pass
     */
    public DjlScorer(ObjectStore store, ModelPackage models, Device device, int batchSize) {
        this.store = store;
        this.models = models;
        this.device = device;
        this.batchSize = batchSize;
    }

    /** A model's answers on the test split, with the card it was loaded from. */
    public record Scored(ModelCard card, ScoredSamples samples) {}

    /** Fetches, verifies and loads a version; a failure while reading the parameters means they do not fit the card. */
    private LoadedModel load(URI modelUri) throws IOException {
        try {
            return models.load(modelUri, device);
        } catch (ModelIntegrityException | InvalidModelCardException | FileNotFoundException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InvalidModelCardException("the parameters do not fit the architecture in the model card: " + describe(e), e);
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Loads and scores one version.
     *
     * @param modelUri        prefix of the version in the models bucket
     * @param expectedName    the model name the version must have (its card is checked against it)
     * @param expectedVersion the version it must have
     * @throws IOException a missing or corrupt artifact, a checksum mismatch, a card that does not fit
     *                     the parameters or the event, or an unreadable test sample — the message says which
     */
    public Scored score(URI modelUri, String expectedName, String expectedVersion, DatasetManifest manifest) throws IOException {
        try (LoadedModel model = load(modelUri)) {
            ModelCard card = model.card();
            if (!card.modelName().equals(expectedName) || !card.version().equals(expectedVersion)) {
                throw new InvalidModelCardException("the model card at " + modelUri + " describes " + card.modelName() + "/" + card.version()
                        + ", not " + expectedName + "/" + expectedVersion);
            }
            DatasetSamples test = DatasetSamples.load(store, manifest, Split.TEST, card.input());
            List<String> classes = new ArrayList<>(manifest.classNames());
            card.classNames().stream().filter(c -> !classes.contains(c)).forEach(classes::add);
            int[] toEvaluation = card.classNames().stream().mapToInt(classes::indexOf).toArray();
            List<float[]> inputs = test.normalised(card);
            int n = inputs.size();
            int[] predicted = new int[n];
            double[][] probabilities = new double[n][classes.size()];
            try (Predictor<float[], Prediction> predictor = model.newPredictor()) {
                for (int from = 0; from < n; from += batchSize) {
                    List<Prediction> batch = predictor.batchPredict(inputs.subList(from, Math.min(n, from + batchSize)));
                    for (int j = 0; j < batch.size(); j++) {
                        Prediction prediction = batch.get(j);
                        predicted[from + j] = toEvaluation[prediction.classIndex()];
                        float[] p = prediction.probabilities();
                        for (int c = 0; c < p.length; c++) {
                            probabilities[from + j][toEvaluation[c]] = p[c];
                        }
                    }
                }
            } catch (TranslateException | RuntimeException e) {
                throw new IOException("the model failed to predict (do its parameters fit the architecture in its card?): " + describe(e), e);
            }
            return new Scored(card, new ScoredSamples(classes, test.labels(), predicted, probabilities));
        }
    }
}
