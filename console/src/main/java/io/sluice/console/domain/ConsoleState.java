package io.sluice.console.domain;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.sluice.console.events.EventFilter;
import io.sluice.console.events.EventView;

/**
 * Everything the console shows, folded from the records of the {@code sluice.*} topics in the
 * order they are read. Bounded: old runs, events and traffic buckets are forgotten. Thread-safe.
 */
public final class ConsoleState {

    /** Topics whose records are per-request telemetry: kept apart so they never crowd out the pipeline's events. */
    static final Set<String> TELEMETRY = Set.of("sluice.predictions", "sluice.feedback");
    static final int EVENTS_PER_RUN = 500;
    static final int PER_MODEL = 20;
    static final int CURVE_RUNS = 50;
    /** The events folded into a {@link TrainingRun}, matched by their {@code runId}. */
    static final Set<String> RUN_EVENTS = Set.of("TrainingStarted", "TrainingProgressed", "TrainingCompleted", "TrainingFailed",
            "ModelApproved", "ModelRejected");
    static final long TRAFFIC_BUCKET_MILLIS = 10_000;
    static final int TRAFFIC_BUCKETS = 360;

    private final int recentCapacity;
    private final int runCapacity;
    private final Deque<EventView> recent = new ArrayDeque<>();
    private final Deque<EventView> recentTelemetry = new ArrayDeque<>();
    private final LinkedHashMap<String, List<EventView>> runs = new LinkedHashMap<>(); // least recently active first
    private final Map<String, ModelState> models = new TreeMap<>();
    private final LinkedHashMap<String, TrainingRun> training = new LinkedHashMap<>();
    private final List<Consumer<EventView>> listeners = new CopyOnWriteArrayList<>();
    private long accepted;

    /**
     * @param recentCapacity pipeline events kept for the live view (telemetry keeps as many again, separately)
     * @param runCapacity    pipeline runs (correlation ids) whose timelines are kept
     */
    public ConsoleState(int recentCapacity, int runCapacity) {
        this.recentCapacity = recentCapacity;
        this.runCapacity = runCapacity;
    }

    /** Folds one record in and tells the listeners. */
    public void accept(EventView view) {
        synchronized (this) {
            accepted++;
            boolean telemetry = TELEMETRY.contains(view.topic());
            Deque<EventView> ring = telemetry ? recentTelemetry : recent;
            ring.addLast(view);
            if (ring.size() > recentCapacity) {
                ring.removeFirst();
            }
            if (view.event() != null && !telemetry) {
                index(view);
            }
            if (view.event() != null) {
                fold(view);
            }
        }
        for (Consumer<EventView> listener : listeners) {
            listener.accept(view);
        }
    }

    private void index(EventView view) {
        String correlation = view.correlationId();
        if (correlation == null) {
            return;
        }
        List<EventView> run = runs.remove(correlation); // re-inserted: the run becomes the most recently active
        if (run == null) {
            run = new ArrayList<>();
        }
        runs.put(correlation, run);
        if (run.stream().noneMatch(e -> e.eventId() != null && e.eventId().equals(view.eventId()))) { // redelivered: once
            run.add(view);
            if (run.size() > EVENTS_PER_RUN) {
                run.remove(0);
            }
        }
        while (runs.size() > runCapacity) {
            runs.remove(runs.keySet().iterator().next());
        }
    }

    private void fold(EventView view) {
        String type = view.type();
        String model = view.modelName();
        if (type != null && RUN_EVENTS.contains(type)) {
            String runId = view.field("runId");
            if (runId != null) {
                training.computeIfAbsent(runId, id -> new TrainingRun(id, model)).add(view);
                while (training.size() > CURVE_RUNS) {
                    training.remove(training.keySet().iterator().next());
                }
            }
        }
        if (model == null) {
            return;
        }
        ModelState state = models.computeIfAbsent(model, ModelState::new);
        switch (view.topic()) {
            case "sluice.deployment-state" -> state.deployment = view;
            case "sluice.registry" -> state.registry = view;
            case "sluice.monitoring" -> bounded(state.verdicts, view);
            case "sluice.deployments" -> bounded(state.releases, view);
            case "sluice.evaluations" -> {
                String version = view.field("modelVersion");
                if (version != null) {
                    state.versions.put(version, view);
                }
            }
            case "sluice.predictions" -> state.traffic(view);
            default -> { }
        }
    }

    private static void bounded(Deque<EventView> list, EventView view) {
        list.addFirst(view);
        if (list.size() > PER_MODEL) {
            list.removeLast();
        }
    }

    public void addListener(Consumer<EventView> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<EventView> listener) {
        listeners.remove(listener);
    }

    /** Records read so far. */
    public synchronized long accepted() {
        return accepted;
    }

    /** The most recent records that match, oldest first, at most {@code limit}. */
    public synchronized List<EventView> recent(EventFilter filter, int limit) {
        List<EventView> all = new ArrayList<>(recent.size() + recentTelemetry.size());
        recent.stream().filter(filter::matches).forEach(all::add);
        recentTelemetry.stream().filter(filter::matches).forEach(all::add);
        all.sort(Comparator.comparing(EventView::timestamp, Comparator.nullsFirst(Comparator.naturalOrder())));
        return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
    }

    /** The events of one pipeline run in the order they happened (header occurredAt), or empty. */
    public synchronized List<EventView> timeline(String correlationId) {
        List<EventView> run = runs.get(correlationId);
        if (run == null) {
            return List.of();
        }
        List<EventView> sorted = new ArrayList<>(run);
        sorted.sort(Comparator.comparing(ConsoleState::occurredAt));
        return sorted;
    }

    /** One line per pipeline run, the most recently active first. */
    public synchronized List<RunSummary> runs() {
        List<RunSummary> out = new ArrayList<>();
        for (Map.Entry<String, List<EventView>> run : runs.entrySet()) {
            List<EventView> events = run.getValue();
            EventView first = events.stream().min(Comparator.comparing(ConsoleState::occurredAt)).orElseThrow();
            EventView last = events.stream().max(Comparator.comparing(ConsoleState::occurredAt)).orElseThrow();
            String dataset = events.stream().map(EventView::datasetName).filter(d -> d != null).findFirst().orElse(null);
            String model = events.stream().map(EventView::modelName).filter(m -> m != null).findFirst().orElse(null);
            out.add(new RunSummary(run.getKey(), dataset, model, events.size(), first.type(), last.type(), occurredAt(first),
                    occurredAt(last)));
        }
        out.sort(Comparator.comparing(RunSummary::lastAt).reversed());
        return out;
    }

    /** Every model seen, by name. */
    public synchronized List<ModelView> models() {
        return models.values().stream().map(ModelState::view).toList();
    }

    /** Training runs with their curves, the most recent last. */
    public synchronized List<TrainingRun.View> trainingRuns(String model) {
        return training.values().stream().filter(r -> model == null || model.equals(r.model())).map(TrainingRun::view).toList();
    }

    /** One line per training run of the model (every model when null), the most recently started first. */
    public synchronized List<TrainingRun.Summary> trainingRunSummaries(String model) {
        return training.values().stream().filter(r -> model == null || model.equals(r.model())).map(TrainingRun::summary)
                .sorted(Comparator.comparing(TrainingRun.Summary::startedAt).reversed()).toList();
    }

    /** The runs with these ids that are known, by id (unknown ids are left out). */
    public synchronized Map<String, TrainingRun.View> trainingRuns(Collection<String> runIds) {
        Map<String, TrainingRun.View> found = new LinkedHashMap<>();
        for (String id : runIds) {
            TrainingRun run = training.get(id);
            if (run != null) {
                found.put(id, run.view());
            }
        }
        return found;
    }

    static Instant occurredAt(EventView view) {
        Object header = view.event() == null ? null : view.event().get("header");
        if (header instanceof Map<?, ?> map && map.get("occurredAt") != null) {
            try {
                return Instant.parse(map.get("occurredAt").toString());
            } catch (RuntimeException notAnInstant) {
                // fall back to the record time
            }
        }
        return view.timestamp() == null ? Instant.EPOCH : view.timestamp();
    }

    /** One pipeline run at a glance. */
    public record RunSummary(String correlationId, String datasetName, String modelName, int events, String firstType,
                             String lastType, Instant firstAt, Instant lastAt) {}

    /**
     * A model's deployment, releases, verdicts, evaluated versions, traffic and registry state (aliases operators set,
     * blocked versions, notes: the last {@code RegistryState}, or null), as JSON-ready trees.
     */
    public record ModelView(String modelName, Map<String, Object> deployment, List<Map<String, Object>> releases,
                            List<Map<String, Object>> verdicts, List<Map<String, Object>> versions, Map<String, List<TrafficBucket>> traffic,
                            Map<String, Object> registry) {}

    /** Predictions of one version in one time bucket. */
    public record TrafficBucket(Instant start, long count, long errors, double meanLatencyMillis, double maxLatencyMillis) {}

    private static final class ModelState {
        final String name;
        EventView deployment;
        EventView registry;
        final Deque<EventView> releases = new ArrayDeque<>();
        final Deque<EventView> verdicts = new ArrayDeque<>();
        final Map<String, EventView> versions = new LinkedHashMap<>();
        final Map<String, TreeMap<Long, long[]>> traffic = new TreeMap<>();

        ModelState(String name) {
            this.name = name;
        }

        void traffic(EventView view) {
            String version = view.field("modelVersion");
            Instant at = occurredAt(view);
            if (version == null) {
                return;
            }
            long bucket = at.toEpochMilli() / TRAFFIC_BUCKET_MILLIS * TRAFFIC_BUCKET_MILLIS;
            TreeMap<Long, long[]> series = traffic.computeIfAbsent(version, v -> new TreeMap<>());
            long[] b = series.computeIfAbsent(bucket, k -> new long[4]); // count, errors, latency sum µs, latency max µs
            b[0]++;
            if (!"OK".equals(view.field("outcome"))) {
                b[1]++;
            }
            long latency = parseLong(view.field("latencyMicros"));
            b[2] += latency;
            b[3] = Math.max(b[3], latency);
            while (series.size() > TRAFFIC_BUCKETS) {
                series.pollFirstEntry();
            }
        }

        ModelView view() {
            Map<String, List<TrafficBucket>> series = new TreeMap<>();
            traffic.forEach((version, buckets) -> series.put(version, buckets.entrySet().stream()
                    .map(e -> new TrafficBucket(Instant.ofEpochMilli(e.getKey()), e.getValue()[0], e.getValue()[1],
                            e.getValue()[2] / 1000.0 / e.getValue()[0], e.getValue()[3] / 1000.0))
                    .toList()));
            List<Map<String, Object>> versionList = new ArrayList<>();
            versions.values().forEach(v -> versionList.add(v.toTree()));
            return new ModelView(name, deployment == null ? null : deployment.toTree(), releases.stream().map(EventView::toTree).toList(),
                    verdicts.stream().map(EventView::toTree).toList(), versionList, series, registry == null ? null : registry.toTree());
        }
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
