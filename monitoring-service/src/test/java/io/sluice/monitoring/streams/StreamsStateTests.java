package io.sluice.monitoring.streams;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamsStateTests {

    @Test
    void replacesAThreadKilledByABrokerTimeoutAndShutsDownOnAnythingElse() {
        var handler = StreamsState.uncaughtExceptionHandler();
        assertThat(handler.handle(new StreamsException("task timed out", new TimeoutException("broker gone"))))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(handler.handle(new StreamsException("bug", new IllegalStateException("corrupt"))))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }
}
