package io.sluice.ingest.domain;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.platform.security.LogSafe;

/**
 * Where every normalised notification goes, whatever its channel: objects stored under
 * {@code datasets/<name>/} of the raw bucket are routed by their dataset's owner key
 * ({@link RawBucket#ownerKey}); deletions and other objects are ignored with a log line. Webhooks
 * and the folder watcher only forward (to the notifications topic, keyed by owner key, so one
 * dataset's notifications reach one partition and one replica); a notification consumed under its
 * owner key reaches this replica's {@link DatasetTracker}, one under another key is forwarded.
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

    /** Sends a dataset object's notification on, keyed by its dataset's owner key. */
    @FunctionalInterface
    public interface Forwarder {
        void forward(ObjectEvent event, String ownerKey);
    }

    private final RawBucket raw;
    private final DatasetTracker tracker;
    private final Forwarder forwarder;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();

    public NotificationIntake(RawBucket raw, DatasetTracker tracker, Forwarder forwarder) {
        this.raw = raw;
        this.tracker = tracker;
        this.forwarder = forwarder;
    }

    /** Events from a webhook or the folder watcher: forwarded to the owner (throws when forwarding fails). */
    public Result accept(List<ObjectEvent> events) {
        return accept(events, null);
    }

    /**
     * Events consumed from the notifications topic under {@code recordKey}: handled here when the key
     * is their dataset's owner key (this replica owns the partition), forwarded otherwise.
     */
    public Result accept(List<ObjectEvent> events, String recordKey) {
        int in = 0;
        int out = 0;
        for (ObjectEvent event : events) {
            if (accept(event, recordKey)) {
                in++;
            } else {
                out++;
            }
        }
        return new Result(in, out);
    }

    /** True when the event is about a dataset object and was passed on (forwarded, or here when keyed by its owner key). */
    public boolean accept(ObjectEvent event, String recordKey) {
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
        String dataset = located.get().dataset();
        String ownerKey = raw.ownerKey(dataset);
        if (ownerKey.equals(recordKey)) {
            tracker.objectStored(dataset, located.get().isCompletionMarker());
        } else {
            forwarder.forward(event, ownerKey);
        }
        accepted.incrementAndGet();
        return true;
    }

    private void ignore(ObjectEvent event, String why) {
        ignored.incrementAndGet();
        String key = event.key().length() > 200 ? event.key().substring(0, 200) + "…" : event.key();
        log.info("ignored {} notification for {}/{}: {}", LogSafe.text(event.source()), LogSafe.text(event.bucket()), LogSafe.text(key),
                LogSafe.text(why)); // names from outside: no forged log lines
    }

    public long acceptedCount() {
        return accepted.get();
    }

    public long ignoredCount() {
        return ignored.get();
    }
}
