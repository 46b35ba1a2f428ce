package io.sluice.monitoring.streams;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.stereotype.Component;

import io.sluice.platform.events.DerivedState;

/**
 * The aggregation's Kafka Streams client as derived state: current while it is RUNNING or REBALANCING, so readiness
 * (platform's {@code derivedState}) is DOWN while it has not started, or has stopped for good (ERROR, PENDING_ERROR,
 * NOT_RUNNING, PENDING_SHUTDOWN) — monitoring never sits dead behind an UP health. Its {@link #uncaughtExceptionHandler()}
 * replaces a stream thread that died of a retriable error (a broker that stayed away past {@code task.timeout.ms}) instead
 * of shutting the client down, so the aggregation catches up once the broker is back without a service restart.
 */
@Component
public class StreamsState implements DerivedState {

    private static final Logger log = LoggerFactory.getLogger(StreamsState.class);

    private final StreamsBuilderFactoryBean streams;

    public StreamsState(StreamsBuilderFactoryBean streams) {
        this.streams = streams;
    }

    @Override
    public String name() {
        return "streams";
    }

    @Override
    public Status status() {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        KafkaStreams.State state = kafkaStreams == null ? null : kafkaStreams.state();
        boolean current = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", state == null ? "NOT_STARTED" : state.name());
        if (!current) {
            details.put("reason", "the Kafka Streams aggregation is not running");
        }
        return new Status(current, details);
    }

    /** Replaces a stream thread killed by a retriable error; anything else shuts the client down (and readiness says so). */
    static StreamsUncaughtExceptionHandler uncaughtExceptionHandler() {
        return exception -> {
            if (retriable(exception)) {
                log.warn("stream thread died of a retriable error, replacing it: {}", exception.toString());
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            log.error("stream thread died of a fatal error, stopping the aggregation (readiness DOWN)", exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        };
    }

    static boolean retriable(Throwable exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof RetriableException) {
                return true;
            }
        }
        return false;
    }
}
