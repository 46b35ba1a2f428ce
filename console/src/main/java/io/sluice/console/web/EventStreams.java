package io.sluice.console.web;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.sluice.console.domain.ConsoleState;
import io.sluice.console.events.EventFilter;
import io.sluice.console.events.EventView;

/**
 * Fans every record the console reads out to the browsers' server-sent-event streams, each with
 * its own filter. One sender thread, so a slow browser never stalls the Kafka reader; a comment
 * line every 15 s keeps proxies from closing idle streams and finds the browsers that left.
 */
public final class EventStreams implements SmartLifecycle {

    private static final long TIMEOUT_MILLIS = 30 * 60 * 1000L;
    private static final long HEARTBEAT_NANOS = TimeUnit.SECONDS.toNanos(15);

    private record Client(SseEmitter emitter, EventFilter filter) {}

    private final ConsoleState state;
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final BlockingQueue<EventView> queue = new LinkedBlockingQueue<>(100_000);
    private volatile boolean running;
    private Thread sender;

    public EventStreams(ConsoleState state) {
        this.state = state;
    }

    /** Opens a stream: first up to {@code replay} recent matching records, then every new match. */
    public SseEmitter open(EventFilter filter, int replay) {
        SseEmitter emitter = new SseEmitter(TIMEOUT_MILLIS);
        Client client = new Client(emitter, filter);
        emitter.onCompletion(() -> clients.remove(client));
        emitter.onTimeout(() -> clients.remove(client));
        emitter.onError(e -> clients.remove(client));
        try {
            emitter.send(SseEmitter.event().comment("sluice console: " + state.accepted() + " records read"));
            // register before replaying so nothing falls between the two; the page drops a record it already has (same id)
            clients.add(client);
            for (EventView view : state.recent(filter, replay)) {
                send(client, view);
            }
        } catch (IOException | IllegalStateException gone) {
            clients.remove(client);
        }
        return emitter;
    }

    public int clients() {
        return clients.size();
    }

    private void onRecord(EventView view) {
        if (!clients.isEmpty()) {
            queue.offer(view); // when a million records queue up, the browsers miss some rather than the JVM running out of memory
        }
    }

    private void sendLoop() {
        long nextHeartbeat = System.nanoTime() + HEARTBEAT_NANOS;
        while (running) {
            try {
                EventView view = queue.poll(1, TimeUnit.SECONDS);
                if (view != null) {
                    for (Client client : clients) {
                        if (client.filter().matches(view)) {
                            send(client, view);
                        }
                    }
                }
                if (System.nanoTime() > nextHeartbeat) {
                    for (Client client : clients) {
                        try {
                            client.emitter().send(SseEmitter.event().comment("heartbeat"));
                        } catch (IOException | IllegalStateException gone) {
                            clients.remove(client);
                        }
                    }
                    nextHeartbeat = System.nanoTime() + HEARTBEAT_NANOS;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void send(Client client, EventView view) {
        try {
            synchronized (client) {
                client.emitter().send(SseEmitter.event().id(view.topic() + "/" + view.partition() + "/" + view.offset())
                        .name("record").data(view.toJson(), MediaType.APPLICATION_JSON));
            }
        } catch (IOException | IllegalStateException gone) {
            clients.remove(client);
        }
    }

    @Override
    public synchronized void start() {
        running = true;
        state.addListener(this::onRecord);
        sender = new Thread(this::sendLoop, "console-sse-sender");
        sender.setDaemon(true);
        sender.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (sender != null) {
            sender.interrupt();
        }
        clients.forEach(c -> c.emitter().complete());
        clients.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
