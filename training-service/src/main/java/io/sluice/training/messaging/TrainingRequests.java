package io.sluice.training.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.springframework.stereotype.Component;

import io.sluice.events.DatasetReady;
import io.sluice.events.RetrainingRequested;
import io.sluice.events.TuningRequested;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStore;
import io.sluice.platform.storage.StoredObject;
import io.sluice.training.TrainingProperties;
import io.sluice.training.domain.TrainingRequest;

/** Maps incoming events to training requests; names that cannot be model or dataset names are refused (dead-lettered). */
@Component
public class TrainingRequests {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final TrainingProperties properties;
    private final ObjectStore store;

    TrainingRequests(TrainingProperties properties, ObjectStore store) {
        this.properties = properties;
        this.store = store;
    }

    List<TrainingRequest> fromDatasetReady(DatasetReady ready) {
        safe(ready.getDatasetName(), "dataset name");
        safe(ready.getDatasetVersion(), "dataset version");
        return modelsFor(ready.getDatasetName()).stream()
                .map(model -> new TrainingRequest(safe(model, "model name"), ready.getDatasetName(), ready.getDatasetVersion(),
                        ready.getManifestUri(), "DATASET_READY", ready.getHeader().getCorrelationId(), ready.getHeader().getEventId()))
                .toList();
    }

    /** The model a retraining request is for, checked. */
    String modelName(RetrainingRequested requested) {
        return safe(requested.getModelName(), "model name");
    }

    TrainingRequest fromRetrainingRequested(RetrainingRequested requested) {
        String dataset = safe(requested.getDatasetName(), "dataset name");
        String version = requested.getDatasetVersion();
        URI manifest;
        if (version == null) {
            manifest = latestManifest(dataset);
            String path = manifest.getPath();
            String[] parts = path.split("/");
            version = parts[parts.length - 2];
        } else {
            manifest = ObjectKeys.resolve(bucket(), "datasets/" + dataset + "/" + safe(version, "dataset version") + "/manifest.json");
        }
        return new TrainingRequest(safe(requested.getModelName(), "model name"), dataset, version, manifest.toString(),
                requested.getTrigger().name(), requested.getHeader().getCorrelationId(), requested.getHeader().getEventId());
    }

    /** The model a search request is for, checked. */
    String modelName(TuningRequested requested) {
        return safe(requested.getModelName(), "model name");
    }

    /** A search request as the training request its trials train on (the latest ready version when it names none). */
    TrainingRequest fromTuningRequested(TuningRequested requested) {
        RetrainingRequested same = RetrainingRequested.newBuilder().setHeader(requested.getHeader()).setModelName(requested.getModelName())
                .setDatasetName(requested.getDatasetName()).setDatasetVersion(requested.getDatasetVersion())
                .setTrigger(requested.getTrigger()).setReason(requested.getReason()).build();
        return fromRetrainingRequested(same);
    }

    /** The models trained on a dataset (names checked). */
    public List<String> modelsTrainedOn(String dataset) {
        return modelsFor(safe(dataset, "dataset name")).stream().map(m -> safe(m, "model name")).toList();
    }

    /** The newest ready version of a dataset: its manifest URI; IllegalArgumentException when there is none. */
    public URI latestManifestOf(String dataset) {
        return latestManifest(safe(dataset, "dataset name"));
    }

    private List<String> modelsFor(String dataset) {
        return io.sluice.training.TrainingModels.modelsFor(properties, dataset);
    }

    private URI latestManifest(String dataset) {
        URI prefix = ObjectKeys.resolve(bucket(), "datasets/" + dataset + "/");
        try (Stream<StoredObject> objects = store.list(prefix)) {
            return objects.filter(o -> o.uri().getPath().endsWith("/manifest.json"))
                    .max(Comparator.comparing(StoredObject::updated))
                    .map(StoredObject::uri)
                    .orElseThrow(() -> new IllegalArgumentException("no ready version of dataset " + dataset + " under " + prefix));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the versions of dataset " + dataset, e);
        }
    }

    private URI bucket() {
        URI bucket = properties.trainingBucket();
        return bucket.toString().endsWith("/") ? bucket : URI.create(bucket + "/");
    }

    private static String safe(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " '" + name + "' is not a safe name ([A-Za-z0-9._-], at most 128)");
        }
        return name;
    }
}
