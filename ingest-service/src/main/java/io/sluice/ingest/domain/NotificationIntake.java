package io.sluice.ingest.domain;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every normalised notification goes, whatever its channel: objects stored under
 * {@code datasets/<name>/} of the raw bucket reach the {@link DatasetTracker}; deletions and
 * other objects are ignored with a log line.
 */
public final class NotificationIntake {

    private static final Logger log = LoggerFactory.getLogger(NotificationIntake.class);

    /**
     * What became of a batch of events.
     *
     * @param accepted events about dataset objects
     * @param ignored  deletions, metadata updates, objects outside the datasets
     */
    public record Result(int accepted, int ignored) {}

    private final RawBucket raw;
    private final DatasetTracker tracker;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();

    public NotificationIntake(RawBucket raw, DatasetTracker tracker) {
        this.raw = raw;
        this.tracker = tracker;
    }

    public Result accept(List<ObjectEvent> events) {
        int in = 0;
        int out = 0;
        for (ObjectEvent event : events) {
            if (accept(event)) {
                in++;
            } else {
                out++;
            }
        }
        return new Result(in, out);
    }

    /** True when the event is about a dataset object and was passed on. */
    public boolean accept(ObjectEvent event) {
        if (event.kind() != ObjectEvent.Kind.STORED) {
            ignore(event, event.kind() == ObjectEvent.Kind.REMOVED ? "a deletion" : "not an object creation");
            return false;
        }
        var located = raw.locate(event.bucket(), event.key());
        if (located.isEmpty()) {
            ignore(event, "not a dataset object of the raw bucket '" + raw.name() + "' (" + RawBucket.DATASETS
                    + "<name>/<file>, <name> of [A-Za-z0-9._-] starting with a letter or digit)");
            return false;
        }
        tracker.objectStored(located.get().dataset(), located.get().isCompletionMarker());
        accepted.incrementAndGet();
        return true;
    }

    private void ignore(ObjectEvent event, String why) {
        ignored.incrementAndGet();
        String key = event.key().length() > 200 ? event.key().substring(0, 200) + "…" : event.key();
        log.info("ignored {} notification for {}/{}: {}", event.source(), event.bucket(), key, why);
    }

    public long acceptedCount() {
        return accepted.get();
    }

    public long ignoredCount() {
        return ignored.get();
    }
}
