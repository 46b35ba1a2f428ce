package io.sluice.monitoring.streams;

import java.time.Duration;
import java.util.Objects;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.events.PredictionFeedback;
import io.sluice.events.PredictionServed;
import io.sluice.monitoring.domain.ModelWindow;

/**
 * Joins each feedback label with its prediction inside the model's own task: both arrive keyed by
 * model (co-partitioned), the prediction's {@link ServedLabel} and the feedback's true label wait in
 * window stores keyed by model and request id, and whichever of the two comes second within
 * {@code feedbackWindow} of the other counts one label (correct when the predicted class equals the
 * true label) per model and version in the tumbling windows of the labels' store, at the later of the
 * two event times. A label whose window closed (end plus grace, by stream time) is dropped, as the
 * DSL's windowed aggregation drops it. So the served windows, the labels and the labelled windows of
 * a model are all held by the one task that owns the model's partition: no repartition, no store of
 * another sub-topology.
 */
final class FeedbackJoin implements Processor<String, SpecificRecord, Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(FeedbackJoin.class);

    private final long feedbackWindowMs;
    private final long sizeMs;
    private final long graceMs;
    private WindowStore<String, ServedLabel> labels;
    private WindowStore<String, String> pending;
    private WindowStore<String, ModelWindow> labelled;
    private long streamTime = Long.MIN_VALUE;
    private long dropped;

    FeedbackJoin(Duration feedbackWindow, Duration window, Duration grace) {
        this.feedbackWindowMs = feedbackWindow.toMillis();
        this.sizeMs = window.toMillis();
        this.graceMs = grace.toMillis();
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        labels = context.getStateStore(MonitoringTopology.SERVED_LABELS);
        pending = context.getStateStore(MonitoringTopology.PENDING_FEEDBACK);
        labelled = context.getStateStore(MonitoringTopology.FEEDBACK_WINDOWS);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        long ts = record.timestamp();
        streamTime = Math.max(streamTime, ts);
        if (record.value() instanceof PredictionServed served) {
            served(record.key(), served, ts);
        } else if (record.value() instanceof PredictionFeedback feedback) {
            feedback(record.key(), feedback, ts);
        } // other events are filtered out before this processor
    }

    private void served(String model, PredictionServed served, long ts) {
        String key = key(model, served.getRequestId());
        ServedLabel label = ServedLabel.of(served);
        labels.put(key, label, ts);
        try (WindowStoreIterator<String> it = pending.fetch(key, ts - feedbackWindowMs, ts + feedbackWindowMs)) {
            while (it.hasNext()) {
                KeyValue<Long, String> truth = it.next();
                count(model, label, truth.value, Math.max(ts, truth.key));
            }
        }
    }

    private void feedback(String model, PredictionFeedback feedback, long ts) {
        String key = key(model, feedback.getRequestId());
        pending.put(key, feedback.getTrueLabel(), ts);
        try (WindowStoreIterator<ServedLabel> it = labels.fetch(key, ts - feedbackWindowMs, ts + feedbackWindowMs)) {
            while (it.hasNext()) {
                KeyValue<Long, ServedLabel> served = it.next();
                count(model, served.value, feedback.getTrueLabel(), Math.max(ts, served.key));
            }
        }
    }

    private void count(String model, ServedLabel label, String trueLabel, long ts) {
        long start = ts - Math.floorMod(ts, sizeMs);
        if (start + sizeMs + graceMs <= streamTime) {
            if (++dropped % 1000 == 1) {
                log.warn("dropped {} late feedback label(s) (window {} closed)", dropped, start);
            }
            return;
        }
        ModelWindow delta = new ModelWindow();
        delta.slice(label.version(), label.revision()).addFeedback(Objects.equals(label.predictedClass(), trueLabel));
        ModelWindow existing = labelled.fetch(model, start);
        labelled.put(model, existing == null ? delta : existing.merge(delta), start);
    }

    /** Model and request id: the join key inside the model's task (a request id is unique only per model). */
    static String key(String model, String requestId) {
        return model + '\u0000' + requestId;
    }
}
