package io.sluice.ingest.domain;

import java.io.IOException;
import java.net.URI;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStore;
import io.sluice.platform.storage.StoredObject;
import io.sluice.platform.security.LogSafe;

/**
 * Finds the datasets of the raw bucket that have a completion marker and hands those this replica
 * owns to the {@link DatasetTracker}: run when partitions are assigned, so uploads that finished
 * while no replica (or another, now gone) owned them are not lost. Published versions are skipped
 * cheaply by their listing.
 */
public final class CompletedDatasets {

    private static final Logger log = LoggerFactory.getLogger(CompletedDatasets.class);

    private final ObjectStore store;
    private final RawBucket raw;
    private final DatasetTracker tracker;

    public CompletedDatasets(ObjectStore store, RawBucket raw, DatasetTracker tracker) {
        this.store = store;
        this.raw = raw;
        this.tracker = tracker;
    }

    /** Looks at every completed dataset for which {@code owned} is true; returns how many. */
    public int scan(Predicate<String> owned) {
        int found = 0;
        URI datasets = raw.datasetsPrefix();
        try (Stream<StoredObject> objects = store.list(datasets)) {
            for (StoredObject object : (Iterable<StoredObject>) objects::iterator) {
                String key = ObjectKeys.relativize(datasets, object.uri());
                int slash = key.indexOf('/');
                String name = slash > 0 ? key.substring(0, slash) : "";
                if (slash > 0 && DatasetLayouts.isMarker(key.substring(slash + 1)) && raw.isDatasetName(name) && owned.test(name)) {
                    tracker.objectStored(name, true);
                    found++;
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("could not scan {} for completed datasets: {}", datasets, LogSafe.text(e));
        }
        log.info("scan: {} completed dataset(s) of this replica's partitions in {} to check", found, datasets);
        return found;
    }
}
