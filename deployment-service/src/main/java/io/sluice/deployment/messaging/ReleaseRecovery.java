package io.sluice.deployment.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import io.sluice.deployment.domain.ReleaseEvent;
import io.sluice.deployment.domain.Releases;
import io.sluice.deployment.domain.RoutingTable;
import io.sluice.events.DeploymentState;
import io.sluice.events.codec.EventCodec;
import io.sluice.platform.events.TopicReplay;

/**
 * Rebuilds every release on start, before the input bindings consume anything: replays the compacted routing-table topic and
 * the deployments history to their end offsets ({@link TopicReplay}) and hands both to {@link Releases#restore}.
 */
final class ReleaseRecovery implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReleaseRecovery.class);
    /** Before Spring Cloud Stream's input bindings (Integer.MAX_VALUE - 3000). */
    static final int PHASE = Integer.MAX_VALUE - 4000;

    private final Releases releases;
    private final EventCodec codec;
    private final String brokers;
    private final String eventsTopic;
    private final String tableTopic;
    private final Duration timeout;
    private volatile boolean running;

    ReleaseRecovery(Releases releases, EventCodec codec, String brokers, String eventsTopic, String tableTopic, Duration timeout) {
        this.releases = releases;
        this.codec = codec;
        this.brokers = brokers;
        this.eventsTopic = eventsTopic;
        this.tableTopic = tableTopic;
        this.timeout = timeout;
    }

    @Override
    public void start() {
        long started = System.nanoTime();
        List<RoutingTable> tables = new ArrayList<>();
        List<ReleaseEvent> history = new ArrayList<>();
        TopicReplay.readToEnd(brokers, "deployment-service-recovery-" + UUID.randomUUID(), codec, List.of(tableTopic, eventsTopic), timeout,
                (topic, key, record) -> {
                    if (topic.equals(tableTopic) && record instanceof DeploymentState state) {
                        tables.add(ReleaseMapping.fromAvro(state));
                    } else if (topic.equals(eventsTopic)) {
                        ReleaseEvent event = ReleaseMapping.fromAvro(record);
                        if (event != null) {
                            history.add(event);
                        }
                    }
                });
        List<RoutingTable> republished = releases.restore(tables, history);
        log.info("restored {} release(s) from {} routing-table record(s) and {} event(s) in {} ms; republished {}",
                releases.all().size(), tables.size(), history.size(), (System.nanoTime() - started) / 1_000_000,
                republished.stream().map(t -> t.model() + "@" + t.revision()).toList());
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
