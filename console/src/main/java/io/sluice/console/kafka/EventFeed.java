package io.sluice.console.kafka;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import io.sluice.console.domain.ConsoleState;
import io.sluice.console.events.EventTail;
import io.sluice.console.events.EventViews;
import io.sluice.events.codec.EventCodec;

/**
 * Reads every {@code sluice.*} topic from the beginning on its own thread, without a consumer
 * group (each console replica sees everything, nothing is committed), and folds each record into
 * the {@link ConsoleState}. Picks up topics created later; waits out an unreachable broker.
 */
public final class EventFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventFeed.class);
    private static final Duration REFRESH_TOPICS = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final ConsoleState state;
    private final EventViews views = new EventViews(EventCodec.singleObject());
    private volatile boolean running;
    private volatile EventTail tail;
    private Thread thread;

    public EventFeed(String bootstrapServers, ConsoleState state) {
        this.bootstrapServers = bootstrapServers;
        this.state = state;
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = new Thread(this::run, "console-event-feed");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        boolean warned = false;
        while (running) {
            try (EventTail reader = new EventTail(bootstrapServers, "sluice-console", Duration.ofSeconds(10))) {
                tail = reader;
                List<String> topics = reader.sluiceTopics();
                reader.assign(topics, EventTail.Start.BEGINNING);
                log.info("console reads {} sluice topics from {}", topics.size(), bootstrapServers);
                warned = false;
                long nextRefresh = System.nanoTime() + REFRESH_TOPICS.toNanos();
                while (running) {
                    if (reader.assignment().isEmpty()) {
                        sleep(Duration.ofSeconds(1)); // no topics yet: the stack creates them at start
                    }
                    List<ConsumerRecord<String, byte[]>> records = reader.assignment().isEmpty() ? List.of() : reader.poll(Duration.ofMillis(500));
                    for (ConsumerRecord<String, byte[]> record : records) {
                        try {
                            state.accept(views.view(record));
                        } catch (RuntimeException e) {
                            log.warn("could not show {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
                        }
                    }
                    if (System.nanoTime() > nextRefresh || topics.isEmpty()) {
                        topics = reader.sluiceTopics();
                        reader.addFromBeginning(topics);
                        nextRefresh = System.nanoTime() + REFRESH_TOPICS.toNanos();
                    }
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                if (!warned) {
                    log.warn("console cannot read the sluice topics: {}; retrying every 2 s", e.getMessage());
                    warned = true;
                }
                sleep(Duration.ofSeconds(2));
            } finally {
                tail = null;
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        EventTail reader = tail;
        if (reader != null) {
            reader.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
