package io.sluice.inference.djl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import ai.djl.inference.Predictor;
import io.sluice.inference.domain.InvalidInputException;
import io.sluice.inference.domain.ModelInfo;
import io.sluice.inference.domain.Payload;
import io.sluice.inference.domain.Scores;
import io.sluice.inference.domain.ServedModel;
import io.sluice.inference.domain.ValueRange;
import io.sluice.models.Inputs;
import io.sluice.models.LoadedModel;
import io.sluice.models.ModelCard;
import io.sluice.models.Prediction;

/**
 * A loaded version: turns payloads into raw inputs with the shared {@link Inputs} code (so serving
 * preprocesses exactly as training did), normalises them with the card's statistics and runs a batch
 * through one DJL predictor.
 */
final class DjlServedModel implements ServedModel {

    private final LoadedModel loaded;
    private final ModelCard card;
    private final Predictor<float[], Prediction> predictor;
    private final ModelInfo info;
    private final long maxImagePixels;

    DjlServedModel(LoadedModel loaded, long maxImagePixels) {
        this.loaded = loaded;
        this.card = loaded.card();
        this.maxImagePixels = maxImagePixels;
        this.predictor = loaded.newPredictor();
        this.info = new ModelInfo(card.classNames(), card.input().shape(), card.input().isImage(),
                card.input().featureNames() == null ? List.of() : card.input().featureNames(), loaded.directory(),
                size(loaded.directory()), loaded.model().getNDManager().getDevice().toString(), lineage(card), trainedRange(card));
    }

    /**
     * The raw values the version was trained on, per channel or feature: images are always scaled into [0,1] before
     * training (so every channel's range is [0,1]); CSV features have the min and max of the train split in the card's
     * {@code trainingData}. Empty when the card does not record every feature.
     */
    static List<ValueRange> trainedRange(ModelCard card) {
        if (card.input().isImage()) {
            return java.util.Collections.nCopies(card.input().normalisedDimensions(), new ValueRange(0, 1));
        }
        if (card.trainingData() == null || card.trainingData().features() == null || card.trainingData().samples() == 0) {
            return List.of();
        }
        List<ValueRange> ranges = new ArrayList<>();
        for (String feature : card.input().featureNames()) {
            ModelCard.FeatureSummary summary = card.trainingData().features().stream().filter(f -> feature.equals(f.name())).findFirst()
                    .orElse(null);
            if (summary == null || !Double.isFinite(summary.min()) || !Double.isFinite(summary.max()) || summary.max() < summary.min()) {
                return List.of();
            }
            ranges.add(new ValueRange(summary.min(), summary.max()));
        }
        return ranges;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    /** The card's dataset version (name@version): the pipeline run that telemetry belongs to. */
    private static String lineage(ModelCard card) {
        return card.dataset() == null ? card.modelName() + "@" + card.version() : card.dataset().name() + "@" + card.dataset().version();
    }

    @Override
    public List<float[]> inputs(Payload payload) {
        List<float[]> rows;
        if (payload instanceof Payload.Image image) {
            rows = List.of(image(image.encoded()));
        } else if (payload instanceof Payload.CsvRow row) {
            rows = List.of(csv(row));
        } else {
            rows = Tensors.rows((Payload.Tensor) payload, info);
        }
        for (float[] row : rows) {
            requireFiniteWhenNormalised(row);
        }
        return rows;
    }

    /** Refuses a finite value that normalisation would turn into an infinity (e.g. 3e38 divided by a std below 1). */
    private void requireFiniteWhenNormalised(float[] raw) {
        int dims = card.input().normalisedDimensions();
        int per = raw.length / dims;
        for (int d = 0; d < dims; d++) {
            float mean = card.normalisation().mean().get(d).floatValue();
            float std = card.normalisation().std().get(d).floatValue();
            for (int i = d * per; i < (d + 1) * per; i++) {
                if (!Float.isFinite((raw[i] - mean) / std)) {
                    throw new InvalidInputException(InvalidInputException.NON_FINITE, "value " + i + " (" + raw[i]
                            + ") overflows to infinity when normalised");
                }
            }
        }
    }

    @Override
    public long receivedSize(Payload payload) {
        if (payload instanceof Payload.Image image) {
            try {
                return Images.header(image.encoded()).elements();
            } catch (InvalidInputException e) {
                return 0;
            }
        }
        if (payload instanceof Payload.CsvRow row) {
            return row.values().size();
        }
        Payload.Tensor tensor = (Payload.Tensor) payload;
        long[] shape = tensor.shape();
        boolean oneInput = shape.length == info.inputShape().size();
        return oneInput || shape.length == 0 || shape[0] <= 0 ? tensor.data().length : tensor.data().length / shape[0];
    }

    private float[] image(byte[] encoded) {
        if (!info.image()) {
            throw new InvalidInputException("model " + card.modelName() + ":" + card.version() + " takes CSV rows, not images");
        }
        Images.requireAtMost(encoded, maxImagePixels);
        try {
            return Inputs.imagePixels(encoded, card.input());
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("unreadable image: " + e.getMessage());
        }
    }

    private float[] csv(Payload.CsvRow row) {
        if (info.image()) {
            throw new InvalidInputException("model " + card.modelName() + ":" + card.version() + " takes images, not CSV rows");
        }
        try {
            if (row.header() == null) {
                return Inputs.csvRaw(row.values(), info.featureNames());
            }
            if (row.header().size() != row.values().size()) {
                throw new IllegalArgumentException("the CSV header has " + row.header().size() + " columns, the row "
                        + row.values().size());
            }
            List<String> ordered = new ArrayList<>();
            for (String feature : info.featureNames()) {
                int at = row.header().indexOf(feature);
                if (at < 0) {
                    throw new IllegalArgumentException("feature '" + feature + "' is missing");
                }
                ordered.add(row.values().get(at));
            }
            return Inputs.csvRaw(ordered, info.featureNames());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }

    @Override
    public List<Scores> predict(List<float[]> batch) throws Exception {
        List<float[]> normalised = new ArrayList<>(batch.size());
        for (float[] raw : batch) {
            normalised.add(Inputs.normalise(raw.clone(), card.input(), card.normalisation()));
        }
        List<Prediction> predictions = predictor.batchPredict(normalised);
        List<Scores> scores = new ArrayList<>(predictions.size());
        for (Prediction p : predictions) {
            scores.add(new Scores(p.label(), p.classIndex(), p.probabilities()));
        }
        return scores;
    }

    @Override
    public Map<String, Double> inputStats(float[] input) {
        double sum = 0;
        double squares = 0;
        for (float v : input) {
            sum += v;
            squares += (double) v * v;
        }
        double mean = sum / input.length;
        Map<String, Double> stats = new LinkedHashMap<>();
        stats.put("mean", mean);
        stats.put("std", Math.sqrt(Math.max(0, squares / input.length - mean * mean)));
        double[] features = Inputs.driftFeatures(input, card.input());
        List<String> names = Inputs.driftFeatureNames(card.input());
        for (int i = 0; i < features.length; i++) {
            stats.put(names.get(i), features[i]);
        }
        return stats;
    }

    @Override
    public void close() {
        try {
            predictor.close();
        } finally {
            loaded.close();
        }
    }

    private static long size(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }
}
