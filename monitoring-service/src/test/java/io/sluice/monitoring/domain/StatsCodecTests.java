package io.sluice.monitoring.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import org.junit.jupiter.api.Test;

class StatsCodecTests {

    @Test
    void roundTripsEveryAggregate() {
        ModelWindow window = new ModelWindow();
        VersionStats v1 = window.version("v1");
        for (int i = 1; i <= 200; i++) {
            v1.addServed(i % 50 == 0, i, i % 2 == 0 ? "cat" : "dog", 0.5 + i / 1000.0, Map.of("mean", (double) i));
        }
        v1.addFeedback(true).addFeedback(false);
        window.version("v2").addServed(true, 3, null, Double.NaN, Map.of());

        ModelWindow back = StatsCodec.decode(StatsCodec.encode(window));

        VersionStats b1 = back.versions().get("v1");
        assertThat(b1.requests()).isEqualTo(200);
        assertThat(b1.errors()).isEqualTo(4);
        assertThat(b1.latencyQuantile(0.5)).isCloseTo(v1.latencyQuantile(0.5), within(1e-9));
        assertThat(b1.latencyQuantile(0.99)).isCloseTo(v1.latencyQuantile(0.99), within(1e-9));
        assertThat(b1.classCounts()).containsEntry("cat", 100L).containsEntry("dog", 100L);
        assertThat(b1.meanConfidence()).isCloseTo(v1.meanConfidence(), within(1e-12));
        assertThat(b1.labelled()).isEqualTo(2);
        assertThat(b1.correct()).isEqualTo(1);
        assertThat(b1.inputMean("mean")).isCloseTo(100.5, within(1e-9));
        assertThat(back.versions().get("v2").errors()).isEqualTo(1);
    }

    @Test
    void rejectsBytesOfAnotherFormat() {
        assertThatThrownBy(() -> StatsCodec.decode(new byte[] {9, 0, 0})).isInstanceOf(IllegalArgumentException.class);
    }
}
