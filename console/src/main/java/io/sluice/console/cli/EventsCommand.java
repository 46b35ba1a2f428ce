package io.sluice.console.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;

import io.sluice.console.events.EventFilter;
import io.sluice.console.events.EventTail;
import io.sluice.console.events.EventView;
import io.sluice.console.events.EventViews;
import io.sluice.events.codec.EventCodec;
import io.sluice.events.codec.WireSettings;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice events}: the events on the {@code sluice.*} topics as JSON lines. */
@Command(name = "events", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the events of the sluice.* topics as JSON lines.", "",
                "Every record of every sluice.* topic (events, .dlt dead letters, raw storage notifications), one JSON object "
                        + "a line: {\"topic\",\"key\",\"partition\",\"offset\",\"timestamp\",\"event\":{\"type\":…}}. Raw and "
                        + "undecodable values print as \"value\", dead letters with \"deadLetterReason\" (the sluice-dlt-reason header).",
                "",
                "Without --follow: what is there now (or the last N), then exit. With --follow: new records as they arrive, "
                        + "until Ctrl-C, --limit or --timeout.",
                "",
                "The filters are the console's live-view filters: topic, event type, model, dataset, run; values of one filter "
                        + "(repeated or comma-separated) match any of them, different filters must all match. Reads without a "
                        + "consumer group: nothing is committed."},
        footer = {"", "Examples:",
                "  sluice events --follow --type CanaryDegraded,RolledBack",
                "  sluice events --model digits --last 20",
                "  sluice events --follow --no-telemetry --dataset flowers",
                "  sluice events --follow --type ModelPromoted --limit 1 --timeout 600"})
final class EventsCommand implements java.util.concurrent.Callable<Integer> {

    private final CliContext context;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-f", "--follow"}, description = "keep printing new records as they arrive")
    boolean follow;

    @Option(names = {"-t", "--topic"}, paramLabel = "T", split = ",", description = "only these topics (repeatable; default every sluice.* topic)")
    List<String> topics = new ArrayList<>();

    @Option(names = "--type", paramLabel = "X", split = ",", description = "only these event types, e.g. DatasetReady (repeatable, any case)")
    List<String> types = new ArrayList<>();

    @Option(names = {"-m", "--model"}, paramLabel = "M", description = "only events whose modelName is M")
    String model;

    @Option(names = {"-d", "--dataset"}, paramLabel = "D", description = "only events whose datasetName is D")
    String dataset;

    @Option(names = "--correlation", paramLabel = "ID", description = "only events of one pipeline run (header correlationId)")
    String correlation;

    @Option(names = "--no-telemetry",
            description = "leave out the per-request telemetry topics (sluice.predictions, sluice.feedback and their .dlt), "
                    + "as the console's live view does unless asked")
    boolean noTelemetry;

    @ArgGroup(exclusive = true)
    StartAt start;

    static final class StartAt {
        @Option(names = "--from-beginning", description = "start at the oldest record (default without --follow)")
        boolean beginning;

        @Option(names = "--last", paramLabel = "N", description = "start with the N most recent records (across the topics)")
        Integer last;
    }

    @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "exit after printing N records")
    Integer limit;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "with --follow: stop after SECONDS; with --limit too, exit 1 when fewer than N records came by then")
    Integer timeout;

    @Option(names = "--kafka", paramLabel = "HOST:PORT", description = "bootstrap servers (default: $SLUICE_KAFKA or localhost:9092)")
    String kafka;

    EventsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (start != null && start.last != null && start.last < 0 || limit != null && limit <= 0 || timeout != null && timeout <= 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--last, --limit and --timeout take a positive number");
        }
        // registry-framed records (a stack in registry mode) are looked up where the stack's registry serves
        EventCodec codec = EventCodec.of(WireSettings.from(Map.of(WireSettings.REGISTRY_URL, context.registryUrl())::get));
        requireKnownTypes(codec);
        EventViews views = new EventViews(codec);
        String bootstrap = context.kafka(kafka);
        EventFilter filter = new EventFilter(Set.copyOf(topics), Set.copyOf(types), model, dataset, correlation);
        AtomicBoolean stopped = new AtomicBoolean();
        try (EventTail tail = new EventTail(bootstrap, "sluice-cli-events", Duration.ofSeconds(10))) {
            List<String> available = tail.sluiceTopics();
            List<String> chosen = topics.isEmpty() ? available : topics;
            if (noTelemetry) {
                chosen = chosen.stream().filter(t -> !TELEMETRY.contains(t.endsWith(".dlt") ? t.substring(0, t.length() - 4) : t)).toList();
                if (chosen.isEmpty()) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--no-telemetry leaves none of the topics asked for");
                }
            }
            for (String topic : chosen) {
                if (!available.contains(topic)) {
                    throw new CliException("no topic " + topic + " on " + bootstrap + "; sluice topics there: " + available);
                }
            }
            boolean fromEnd = follow && (start == null || !start.beginning && start.last == null);
            tail.assign(chosen, fromEnd ? EventTail.Start.END : EventTail.Start.BEGINNING);
            Thread shutdown = new Thread(() -> {
                stopped.set(true);
                tail.wakeup();
            }, "sluice-events-stop");
            boolean hooked = ShutdownHooks.add(shutdown);
            try {
                Counter printed = new Counter(limit);
                Map<TopicPartition, Long> ends = tail.endOffsets();
                if (start != null && start.last != null) {
                    tail.seekToLast(start.last);
                    List<EventView> recent = new ArrayList<>();
                    readUpTo(tail, ends, stopped, record -> recent.add(views.view(record)));
                    recent.sort(Comparator.comparing(EventView::timestamp, Comparator.nullsFirst(Comparator.naturalOrder())));
                    for (EventView view : recent.subList(Math.max(0, recent.size() - start.last), recent.size())) {
                        if (filter.matches(view) && !printed.print(context, view)) {
                            return 0;
                        }
                    }
                } else if (!fromEnd) {
                    boolean[] done = {false};
                    readUpTo(tail, ends, stopped, record -> {
                        EventView view = views.view(record);
                        if (!done[0] && filter.matches(view) && !printed.print(context, view)) {
                            done[0] = true;
                            stopped.set(true);
                        }
                    });
                    if (done[0]) {
                        return 0;
                    }
                }
                if (!follow) {
                    return 0;
                }
                context.err().println("sluice events: following " + chosen.size() + " topic(s) on " + bootstrap + " (Ctrl-C to stop)");
                context.err().flush();
                long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout * 1_000_000_000L;
                while (!stopped.get() && !Thread.currentThread().isInterrupted()) {
                    if (System.nanoTime() > deadline) {
                        if (limit != null) {
                            context.err().println("sluice events: " + printed.count + " of " + limit + " record(s) within " + timeout + " s");
                            return 1;
                        }
                        return 0;
                    }
                    for (ConsumerRecord<String, byte[]> record : poll(tail, stopped)) {
                        EventView view = views.view(record);
                        if (filter.matches(view) && !printed.print(context, view)) {
                            return 0;
                        }
                    }
                }
                return 0;
            } finally {
                if (hooked) {
                    ShutdownHooks.remove(shutdown);
                }
            }
        }
    }

    /** Per-request telemetry topics, which the console's live view leaves out unless asked. */
    static final Set<String> TELEMETRY = Set.of("sluice.predictions", "sluice.feedback");

    /** A misspelt --type would match nothing and wait forever with --follow: refuse it with the known names. */
    private void requireKnownTypes(EventCodec codec) {
        java.util.SortedSet<String> known = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String name : codec.eventNames()) {
            known.add(name.substring(name.lastIndexOf('.') + 1));
        }
        for (String type : types) {
            if (!type.isBlank() && !known.contains(type.strip())) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "unknown event type '" + type.strip() + "'; the event types are: " + String.join(", ", known));
            }
        }
    }

    private static void readUpTo(EventTail tail, Map<TopicPartition, Long> ends, AtomicBoolean stopped,
                                 java.util.function.Consumer<ConsumerRecord<String, byte[]>> sink) {
        while (!stopped.get() && !tail.reached(ends)) {
            for (ConsumerRecord<String, byte[]> record : poll(tail, stopped)) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (record.offset() < ends.getOrDefault(tp, Long.MAX_VALUE)) {
                    sink.accept(record);
                }
            }
        }
    }

    private static List<ConsumerRecord<String, byte[]>> poll(EventTail tail, AtomicBoolean stopped) {
        try {
            return tail.poll(Duration.ofMillis(200));
        } catch (InterruptException interrupted) {
            stopped.set(true);
            return List.of();
        }
    }

    /** Prints records up to the limit; false once the limit is reached or stdout is closed. */
    private static final class Counter {
        private final Integer limit;
        private int count;

        Counter(Integer limit) {
            this.limit = limit;
        }

        boolean print(CliContext context, EventView view) {
            context.out().println(view.toJson());
            count++;
            if (context.out().checkError()) {
                return false; // stdout closed (e.g. piped into head)
            }
            return limit == null || count < limit;
        }
    }
}
