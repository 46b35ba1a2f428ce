package io.sluice.monitoring.streams;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.events.PredictionServed;
import io.sluice.monitoring.domain.ModelWindow;

/**
 * Aggregates PredictionServed into tumbling windows of a window store, pre-aggregating in memory
 * and merging into the store every {@code flushEvery} (wall clock) or every {@code maxBuffered}
 * records. The DSL's windowed aggregate reads, decodes, re-encodes and writes the whole aggregate
 * (a latency sketch and maps) for every record; merging a batch once costs that per model and
 * window instead. Records later than the window's end plus grace (by stream time) are dropped,
 * as the DSL does. A crash can lose what was buffered since the last flush (at most
 * {@code flushEvery} of traffic) if a commit happened in between.
 */
final class WindowPreAggregator implements Processor<String, PredictionServed, Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(WindowPreAggregator.class);

    private final String storeName;
    private final long sizeMs;
    private final long graceMs;
    private final Duration flushEvery;
    private final int maxBuffered;
    private final Map<String, Map<Long, ModelWindow>> buffer = new HashMap<>();
    private WindowStore<String, ModelWindow> store;
    private int buffered;
    private long streamTime = Long.MIN_VALUE;
    private long dropped;

    WindowPreAggregator(String storeName, Duration size, Duration grace, Duration flushEvery, int maxBuffered) {
        this.storeName = storeName;
        this.sizeMs = size.toMillis();
        this.graceMs = grace.toMillis();
        this.flushEvery = flushEvery;
        this.maxBuffered = maxBuffered;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
        context.schedule(flushEvery, PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(Record<String, PredictionServed> record) {
        long ts = record.timestamp();
        streamTime = Math.max(streamTime, ts);
        long start = ts - Math.floorMod(ts, sizeMs);
        if (start + sizeMs + graceMs <= streamTime) {
            if (++dropped % 1000 == 1) {
                log.warn("dropped {} late prediction(s) (window {} closed)", dropped, start);
            }
            return;
        }
        ModelWindow window = buffer.computeIfAbsent(record.key(), k -> new HashMap<>()).computeIfAbsent(start, s -> new ModelWindow());
        MonitoringTopology.add(window, record.value());
        if (++buffered >= maxBuffered) {
            flush();
        }
    }

    private void flush() {
        if (buffered == 0) {
            return;
        }
        buffer.forEach((model, windows) -> windows.forEach((start, delta) -> {
            ModelWindow existing = store.fetch(model, start);
            store.put(model, existing == null ? delta : existing.merge(delta), start);
        }));
        buffer.clear();
        buffered = 0;
    }

    @Override
    public void close() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.debug("could not flush on close: {}", e.toString());
        }
    }
}
