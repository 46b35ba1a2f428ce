package io.sluice.platform.storage.retention;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStore;
import io.sluice.platform.storage.StoredObject;

/**
 * Applies retention through the {@link ObjectStore} port, so it works on every store: a model version (its artifacts
 * under {@code models/<model>/<version>/} and its evaluation under {@code evaluations/<model>/<version>/}) goes when
 * its newest object is older than the models retention and the registry protects nothing about it; an object under
 * the staging bucket's temporary prefixes goes when it is older than the staging retention. Plans first (what a dry run prints), deletes only
 * what a plan says goes. Bucket lifecycle rules do the staging part on GCS and OBS by themselves; a lifecycle rule
 * cannot ask the registry, so model versions are always swept here.
 */
public final class RetentionSweeper {

    static final String MODELS = "models/";
    static final String EVALUATIONS = "evaluations/";

    private final ObjectStore store;
    private final Clock clock;

    public RetentionSweeper(ObjectStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Every version in the models bucket with what happens to it, by model then version. */
    public List<VersionPlan> planModels(URI modelsBucket, Duration retention, ProtectedVersions protection) throws IOException {
        Map<String, Map<String, List<StoredObject>>> versions = new TreeMap<>();
        collect(modelsBucket, MODELS, versions);
        Map<String, Map<String, List<StoredObject>>> evaluations = new TreeMap<>();
        collect(modelsBucket, EVALUATIONS, evaluations);
        Instant cutoff = clock.instant().minus(retention);
        List<VersionPlan> plans = new ArrayList<>();
        versions.forEach((model, byVersion) -> byVersion.forEach((version, objects) -> {
            List<StoredObject> all = new ArrayList<>(objects);
            all.addAll(evaluations.getOrDefault(model, Map.of()).getOrDefault(version, List.of()));
            Instant newest = all.stream().map(StoredObject::updated).max(Comparator.naturalOrder()).orElse(Instant.EPOCH);
            List<String> kept = new ArrayList<>(protection.reasons(model, version).orElse(List.of()));
            if (!protection.knows(model)) {
                kept.add("model unknown to the registry");
            }
            if (newest.isAfter(cutoff)) {
                kept.add("younger than the retention (" + describe(retention) + ")");
            }
            plans.add(new VersionPlan(model, version, newest, all.stream().mapToLong(StoredObject::size).sum(),
                    all.stream().map(StoredObject::uri).toList(), kept));
        }));
        return plans;
    }

    /** Deletes the objects of the versions a plan says go; returns those versions. */
    public List<VersionPlan> delete(List<VersionPlan> plans) throws IOException {
        List<VersionPlan> deleted = new ArrayList<>();
        for (VersionPlan plan : plans) {
            if (!plan.goes()) {
                continue;
            }
            // evaluation files first, the model card's folder last: a version is never half there with its card intact
            List<URI> ordered = plan.objects().stream()
                    .sorted(Comparator.comparing((URI uri) -> uri.getPath().endsWith("/model-card.json")).thenComparing(URI::toString))
                    .toList();
            for (URI object : ordered) {
                store.delete(object);
            }
            deleted.add(plan);
        }
        return deleted;
    }

    /** Objects of the staging bucket under its temporary prefixes that are older than the retention. */
    public List<StoredObject> planStaging(URI stagingBucket, Duration retention, List<String> prefixes) throws IOException {
        Instant cutoff = clock.instant().minus(retention);
        List<StoredObject> old = new ArrayList<>();
        for (String prefix : prefixes) {
            try (Stream<StoredObject> objects = store.list(ObjectKeys.resolve(stagingBucket, prefix))) {
                objects.filter(o -> o.updated().isBefore(cutoff)).forEach(old::add);
            } catch (FileNotFoundException none) {
                // nothing there yet
            }
        }
        return old;
    }

    /** Deletes the given staging objects; returns those that were still there. */
    public List<StoredObject> deleteStaging(List<StoredObject> objects) throws IOException {
        List<StoredObject> deleted = new ArrayList<>();
        for (StoredObject object : objects) {
            if (store.delete(object.uri())) {
                deleted.add(object);
            }
        }
        return deleted;
    }

    /** Groups the objects under {@code <bucket><top><model>/<version>/…} by model and version. */
    private void collect(URI bucket, String top, Map<String, Map<String, List<StoredObject>>> into) throws IOException {
        URI prefix = ObjectKeys.resolve(bucket, top);
        try (Stream<StoredObject> objects = store.list(prefix)) {
            objects.forEach(object -> {
                String[] parts = ObjectKeys.relativize(prefix, object.uri()).split("/", 3);
                if (parts.length == 3) { // a file of a version; anything else under the prefix is not a version's
                    into.computeIfAbsent(parts[0], k -> new TreeMap<>()).computeIfAbsent(parts[1], k -> new ArrayList<>()).add(object);
                }
            });
        } catch (FileNotFoundException none) {
            // no such folder yet
        }
    }

    /** A retention in the words people use: {@code 90 days}, {@code 1 day}, {@code 6 hours}, else ISO-8601. */
    public static String describe(Duration retention) {
        if (retention.toSeconds() % 86_400 == 0) {
            long days = retention.toDays();
            return days + (days == 1 ? " day" : " days");
        }
        if (retention.toSeconds() % 3_600 == 0) {
            long hours = retention.toHours();
            return hours + (hours == 1 ? " hour" : " hours");
        }
        return retention.toString();
    }
}
