package io.sluice.ingest.domain;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

import io.sluice.platform.storage.InvalidObjectKeyException;
import io.sluice.platform.storage.ObjectKeys;

/**
 * The raw-data bucket as notifications name it: a bucket name plus an optional key prefix, and
 * the rule that turns an object key into the dataset it belongs to ({@code datasets/<name>/…}).
 */
public final class RawBucket {

    /** Folder under the raw bucket holding one folder per dataset. */
    public static final String DATASETS = "datasets/";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final URI uri;
    private final String name;
    private final String keyPrefix;

    /** @param uri the raw bucket (or a prefix in it), ending with '/' */
    public RawBucket(URI uri) {
        if (!uri.toString().endsWith("/")) {
            throw new IllegalArgumentException("the raw bucket URI must end with '/': " + uri);
        }
        this.uri = uri;
        if ("file".equals(uri.getScheme())) {
            String path = uri.getPath().substring(0, uri.getPath().length() - 1);
            this.name = path.substring(path.lastIndexOf('/') + 1);
            this.keyPrefix = "";
        } else {
            this.name = uri.getAuthority();
            String path = uri.getPath() == null ? "" : uri.getPath();
            this.keyPrefix = path.startsWith("/") ? path.substring(1) : path;
        }
    }

    public URI uri() {
        return uri;
    }

    /** The bucket's name as providers put it in notifications. */
    public String name() {
        return name;
    }

    /** The prefix of a dataset, ending with '/'. */
    public URI datasetPrefix(String dataset) {
        return ObjectKeys.resolve(uri, DATASETS + requireDatasetName(dataset) + "/");
    }

    /** The prefix holding every dataset. */
    public URI datasetsPrefix() {
        return ObjectKeys.resolve(uri, DATASETS);
    }

    /**
     * The Kafka key of a dataset's notifications, {@code <bucket>/<dataset>}: one dataset's
     * notifications share a partition, and the replica that owns it assembles the dataset.
     */
    public String ownerKey(String dataset) {
        return name + "/" + requireDatasetName(dataset);
    }

    /** A valid dataset name, or throws. */
    public static String requireDatasetName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidObjectKeyException(name, "a dataset name is 1-100 of [A-Za-z0-9._-], starting with a letter or digit");
        }
        return name;
    }

    /** True when the name is a valid dataset name. */
    public boolean isDatasetName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Where an object sits in a dataset, or empty when it is not a dataset object of this bucket. */
    public Optional<DatasetObject> locate(String bucket, String key) {
        if (!name.equals(bucket) || !key.startsWith(keyPrefix + DATASETS)) {
            return Optional.empty();
        }
        String rest = key.substring(keyPrefix.length() + DATASETS.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            return Optional.empty();
        }
        String dataset = rest.substring(0, slash);
        String relative = rest.substring(slash + 1);
        try {
            ObjectKeys.requireSafe(key);
            requireDatasetName(dataset);
        } catch (InvalidObjectKeyException e) {
            return Optional.empty();
        }
        return Optional.of(new DatasetObject(dataset, relative));
    }

    /**
     * An object inside a dataset.
     *
     * @param dataset dataset name
     * @param key     key relative to the dataset's prefix
     */
    public record DatasetObject(String dataset, String key) {

        /** The completion markers: {@code _SUCCESS} and {@code manifest.json} at the dataset's top level. */
        public boolean isCompletionMarker() {
            return DatasetLayouts.isMarker(key);
        }
    }
}
