package io.sluice.models;

import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything needed to rebuild, verify, feed and judge one model version; stored as
 * {@value ModelPackage#CARD_FILE} next to the parameters in {@code models/<model>/<version>/}.
 * Training writes it, evaluation and inference read it; {@link #fromJson} rejects a card that
 * could not be served correctly.
 *
 * @param formatVersion    card format, {@value #FORMAT_VERSION} today
 * @param modelName        model name (a safe single path segment)
 * @param version          model version (a safe single path segment)
 * @param architecture     network family and its hyper-parameters; {@link Networks#build} turns it into a Block
 * @param classNames       class names; a class's index in the output is its position here
 * @param input            how a raw input becomes the network's input tensor
 * @param normalisation    mean and std per channel (images, after scaling pixels to [0,1]) or per feature (CSV)
 * @param training         optimiser, learning rate, batch size, epochs, seed … as used (for the record only)
 * @param history          metrics of every epoch that ran, in order
 * @param bestEpoch        1-based epoch whose parameters were kept
 * @param dataset          dataset the model was trained on
 * @param parentVersion    version this one was warm-started from, or null
 * @param runId            training run that produced it
 * @param createdAt        when the version was written (UTC)
 * @param files            SHA-256 and size of every file of the version except the card itself, by file name
 * @param trainingData     statistics of the train split, the baseline for drift detection
 */
public record ModelCard(int formatVersion, String modelName, String version, Architecture architecture,
                        List<String> classNames, InputSpec input, Normalisation normalisation,
                        Map<String, String> training, List<EpochMetrics> history, int bestEpoch,
                        DatasetRef dataset, String parentVersion, String runId, Instant createdAt,
                        Map<String, FileDigest> files, DataSummary trainingData) {

    public static final int FORMAT_VERSION = 1;

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /**
     * Network family and hyper-parameters.
     *
     * @param name    {@code cnn} (image folders) or {@code mlp} (CSV features)
     * @param filters cnn only: output channels of each 3x3 convolution block (each followed by ReLU and 2x2 max-pooling)
     * @param hidden  units of each fully connected hidden layer (ReLU), before the output layer
     * @param dropout dropout probability after each hidden layer while training (0 = none)
     */
    public record Architecture(String name, List<Integer> filters, List<Integer> hidden, double dropout) {

        public static final String CNN = "cnn";
        public static final String MLP = "mlp";

        /** The default network of a dataset layout: a small CNN for images, an MLP for CSV. */
        public static Architecture defaultFor(String layout) {
            return InputSpec.IMAGE_FOLDER.equals(layout)
                    ? new Architecture(CNN, List.of(16, 32), List.of(64), 0.0)
                    : new Architecture(MLP, List.of(), List.of(64, 32), 0.0);
        }

        /** The hyper-parameters as strings, as events carry them. */
        public Map<String, String> asMap() {
            Map<String, String> map = new LinkedHashMap<>();
            map.put("architecture", name);
            if (!filters.isEmpty()) {
                map.put("filters", filters.toString());
            }
            map.put("hidden", hidden.toString());
            map.put("dropout", Double.toString(dropout));
            return map;
        }
    }

    /**
     * How a raw input becomes the network's input.
     *
     * @param layout       {@value #IMAGE_FOLDER} or {@value #CSV}
     * @param shape        images: [channels, height, width] (images are resized to height x width); CSV: [features]
     * @param colorMode    images: {@value #GRAYSCALE} (1 channel) or {@value #RGB} (3 channels); null for CSV
     * @param featureNames CSV: feature columns in input order; empty for images
     */
    public record InputSpec(String layout, List<Integer> shape, String colorMode, List<String> featureNames) {

        public static final String IMAGE_FOLDER = "IMAGE_FOLDER";
        public static final String CSV = "CSV";
        public static final String GRAYSCALE = "GRAYSCALE";
        public static final String RGB = "RGB";

        public boolean isImage() {
            return IMAGE_FOLDER.equals(layout);
        }

        /** Floats in one input: C*H*W or the number of features. */
        public int size() {
            return shape.stream().reduce(1, (a, b) -> a * b);
        }

        /** Channels (images) or features (CSV): the length of the normalisation vectors. */
        public int normalisedDimensions() {
            return shape.get(0);
        }
    }

    /**
     * Standardisation applied after decoding: {@code (x - mean[i]) / std[i]}, i the channel (images,
     * pixels first scaled to [0,1]) or the feature (CSV). Computed on the train split only.
     */
    public record Normalisation(List<Double> mean, List<Double> std) {}

    /** Metrics of one epoch; accuracies in [0,1], losses are mean cross-entropy. */
    public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                               double validationAccuracy) {}

    /**
     * The dataset version a model was trained on.
     *
     * @param manifestUri the dataset manifest (its test split is for evaluation)
     */
    public record DatasetRef(String name, String version, String manifestUri) {}

    /** Lower-case hex SHA-256 and size in bytes of one file of a model version. */
    public record FileDigest(String sha256, long size) {}

    /**
     * Statistics of the train split, the baseline monitoring compares live inputs with.
     *
     * @param samples     train samples
     * @param classCounts train samples per class name
     * @param features    one summary per drift feature (see {@link Inputs#driftFeatures}): each CSV
     *                    feature (raw, before standardisation), or each image channel's mean intensity in [0,1]
     */
    public record DataSummary(long samples, Map<String, Long> classCounts, List<FeatureSummary> features) {}

    /**
     * Distribution of one drift feature over the train split.
     *
     * @param name      feature name (CSV column, or {@code channel-<i>-mean-intensity})
     * @param mean      mean
     * @param std       population standard deviation
     * @param min       smallest value
     * @param max       largest value
     * @param binEdges  histogram bin edges, ascending (bins.size() + 1 of them); values outside fall into the end bins
     * @param binCounts samples per bin
     */
    public record FeatureSummary(String name, double mean, double std, double min, double max, List<Double> binEdges,
                                 List<Long> binCounts) {}

    /** The same card with file digests set. */
    public ModelCard withFiles(Map<String, FileDigest> newFiles) {
        return new ModelCard(formatVersion, modelName, version, architecture, classNames, input, normalisation, training,
                history, bestEpoch, dataset, parentVersion, runId, createdAt, Map.copyOf(newFiles), trainingData);
    }

    public byte[] toJson() {
        return JSON.writeValueAsBytes(this);
    }

    /** Parses and validates a card; throws {@link InvalidModelCardException} naming what is wrong. */
    public static ModelCard fromJson(byte[] json) throws InvalidModelCardException {
        ModelCard card;
        try {
            card = JSON.readValue(json, ModelCard.class);
        } catch (JacksonException e) {
            throw new InvalidModelCardException("malformed model card JSON: " + e.getOriginalMessage(), e);
        }
        if (card == null) {
            throw new InvalidModelCardException("empty model card");
        }
        card.validate();
        return card;
    }

    /** Checks everything the network, the inputs and the integrity check rely on. */
    public void validate() throws InvalidModelCardException {
        require(formatVersion == FORMAT_VERSION, "formatVersion " + formatVersion + " is not supported (expected " + FORMAT_VERSION + ")");
        require(modelName != null && SEGMENT.matcher(modelName).matches(), "modelName '" + modelName + "' is missing or not a safe name");
        require(version != null && SEGMENT.matcher(version).matches(), "version '" + version + "' is missing or not a safe name");
        require(architecture != null && architecture.name() != null, "architecture is missing");
        require(Architecture.CNN.equals(architecture.name()) || Architecture.MLP.equals(architecture.name()),
                "architecture '" + architecture.name() + "' is unknown (cnn or mlp)");
        require(architecture.hidden() != null && architecture.hidden().stream().allMatch(h -> h != null && h > 0),
                "architecture.hidden must list positive layer sizes");
        require(architecture.filters() != null && architecture.filters().stream().allMatch(f -> f != null && f > 0),
                "architecture.filters must list positive channel counts");
        require(architecture.dropout() >= 0 && architecture.dropout() < 1, "architecture.dropout must be in [0,1)");
        require(classNames != null && classNames.size() >= 2, "classNames must list at least two classes");
        require(classNames.stream().noneMatch(java.util.Objects::isNull) && new HashSet<>(classNames).size() == classNames.size(), "classNames must be unique");
        require(input != null && input.shape() != null && !input.shape().isEmpty() && input.shape().stream().allMatch(d -> d != null && d > 0),
                "input.shape must be a non-empty list of positive sizes");
        if (input.isImage()) {
            require(input.shape().size() == 3, "input.shape of an image model must be [channels, height, width]");
            require(InputSpec.GRAYSCALE.equals(input.colorMode()) && input.shape().get(0) == 1
                            || InputSpec.RGB.equals(input.colorMode()) && input.shape().get(0) == 3,
                    "input.colorMode must be GRAYSCALE with 1 channel or RGB with 3 channels");
        } else {
            require(InputSpec.CSV.equals(input.layout()), "input.layout '" + input.layout() + "' is unknown (IMAGE_FOLDER or CSV)");
            require(input.shape().size() == 1, "input.shape of a CSV model must be [features]");
            require(input.featureNames() != null && input.featureNames().size() == input.shape().get(0),
                    "input.featureNames must name every one of the " + input.shape().get(0) + " features");
            require(Architecture.MLP.equals(architecture.name()), "a CSV model must be an mlp");
        }
        int dims = input.normalisedDimensions();
        require(normalisation != null && normalisation.mean() != null && normalisation.std() != null
                        && normalisation.mean().size() == dims && normalisation.std().size() == dims,
                "normalisation needs mean and std of length " + dims);
        require(normalisation.std().stream().allMatch(s -> s != null && s > 0 && Double.isFinite(s))
                        && normalisation.mean().stream().allMatch(m -> m != null && Double.isFinite(m)),
                "normalisation values must be finite and every std > 0");
        require(files != null && !files.isEmpty(), "files must list the digest of every file (at least the parameters)");
        require(files.containsKey(ModelPackage.PARAMETERS_FILE), "files lacks " + ModelPackage.PARAMETERS_FILE);
        for (Map.Entry<String, FileDigest> file : files.entrySet()) {
            require(file.getKey() != null && SEGMENT.matcher(file.getKey()).matches() && !file.getKey().equals(ModelPackage.CARD_FILE),
                    "file name '" + file.getKey() + "' is not a safe plain file name");
            require(file.getValue() != null && file.getValue().sha256() != null && SHA256.matcher(file.getValue().sha256()).matches()
                    && file.getValue().size() >= 0, "file " + file.getKey() + " needs a lower-case hex sha256 and a size");
        }
    }

    private static void require(boolean condition, String message) throws InvalidModelCardException {
        if (!condition) {
            throw new InvalidModelCardException("invalid model card: " + message);
        }
    }
}
