package io.sluice.platform.datasets;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A validated dataset version, written by ingest to
 * {@code <training-bucket>/datasets/<name>/<version>/manifest.json} and read by training and
 * evaluation. Sample keys are relative to {@link #rawUri}; never trust them as paths — resolve
 * them with {@code ObjectKeys.resolve(rawUri, key)}.
 *
 * @param name        dataset name (the folder under {@code datasets/})
 * @param version     hex SHA-256 of the sorted (path, size, checksum) list
 * @param layout      {@code IMAGE_FOLDER} or {@code CSV}
 * @param rawUri      prefix of the dataset in the raw bucket, ending with '/'
 * @param classNames  sorted class names; a class's index is its position here
 * @param inputShape  images: [channels, height, width]; CSV: [number of features]
 * @param featureNames CSV feature columns in order (empty for images)
 * @param labelColumn CSV label column (null for images)
 * @param samples     every sample with its label and split
 */
public record DatasetManifest(String name, String version, String layout, String rawUri, List<String> classNames,
                              List<Integer> inputShape, List<String> featureNames, String labelColumn,
                              List<Sample> samples) {

    public static final String IMAGE_FOLDER = "IMAGE_FOLDER";
    public static final String CSV = "CSV";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /**
     * One sample.
     *
     * @param key   object key relative to the dataset's rawUri (the image, or the CSV file)
     * @param row   0-based data row in the CSV file, or null for images
     * @param label class name
     * @param split stable split of the sample (from its id, see {@link Splits})
     * @param size  bytes of the object (images) or of the row's text (CSV)
     * @param sha256 hex SHA-256 of the image, or of the row's text
     */
    public record Sample(String key, Integer row, String label, Split split, long size, String sha256) {

        /** The id the split is derived from: the key, plus {@code #row} for CSV rows. */
        public String id() {
            return row == null ? key : key + "#" + row;
        }
    }

    /** Samples of one split, in manifest order. */
    public Stream<Sample> split(Split split) {
        return samples.stream().filter(s -> s.split() == split);
    }

    /** The index of a class name in {@link #classNames}; throws for an unknown label. */
    public int classIndex(String label) {
        int index = classNames.indexOf(label);
        if (index < 0) {
            throw new IllegalArgumentException("label '" + label + "' is not a class of " + name + "@" + version);
        }
        return index;
    }

    /** Samples per split. */
    public Map<Split, Long> splitCounts() {
        Map<Split, Long> counts = new java.util.EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            counts.put(split, split(split).count());
        }
        return counts;
    }

    public byte[] toJson() {
        return JSON.writeValueAsBytes(this);
    }

    /** Parses a manifest; throws {@link IOException} with the reason for malformed JSON. */
    public static DatasetManifest fromJson(byte[] json) throws IOException {
        try {
            DatasetManifest manifest = JSON.readValue(json, DatasetManifest.class);
            if (manifest.name() == null || manifest.version() == null || manifest.samples() == null || manifest.classNames() == null) {
                throw new IOException("manifest lacks name, version, classNames or samples");
            }
            return manifest;
        } catch (JacksonException e) {
            throw new IOException("malformed dataset manifest: " + e.getOriginalMessage(), e);
        }
    }
}
