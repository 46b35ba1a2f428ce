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
    void roundTripsRevisionsStrataLeftOutCountsAgreementAndInputSketches() {
        ModelWindow window = new ModelWindow();
        VersionStats v2 = window.slice("v2", 7);
        for (int i = 1; i <= 100; i++) {
            v2.add(new ServedRequest(i % 10 == 0 ? ServedRequest.Kind.SERVER_ERROR : ServedRequest.Kind.OK, i, Strata.of(i % 2 + 1, 784),
                    "cat", 0.9, Map.of("mean", i / 100.0), i % 25 == 0, i % 4 != 0, 1_000_000L + i));
        }
        v2.add(new ServedRequest(ServedRequest.Kind.CLIENT_ERROR, 0, Strata.DEFAULT, null, Double.NaN, Map.of(), false, null, 5));
        v2.add(new ServedRequest(ServedRequest.Kind.CAPACITY, 0, Strata.DEFAULT, null, Double.NaN, Map.of(), false, null, 5));
        window.slice("v2", 6).addServed(false, 5, "dog", 0.5, Map.of());

        ModelWindow back = StatsCodec.decode(StatsCodec.encode(window));

        VersionStats b2 = back.versionSince("v2", 7);
        assertThat(b2.requests()).isEqualTo(100);
        assertThat(b2.errors()).isEqualTo(10);
        assertThat(b2.clientErrors()).isEqualTo(1);
        assertThat(b2.capacityRefusals()).isEqualTo(1);
        assertThat(b2.flaggedInputs()).isEqualTo(4);
        assertThat(b2.compared()).isEqualTo(100);
        assertThat(b2.agreed()).isEqualTo(75);
        assertThat(b2.firstMillis()).isEqualTo(1_000_001L);
        assertThat(b2.lastMillis()).isEqualTo(1_000_100L);
        assertThat(b2.strata()).containsExactlyInAnyOrder(Strata.of(1, 784), Strata.of(2, 784));
        assertThat(b2.stratumRequests(Strata.of(2, 784))).isEqualTo(50);
        assertThat(b2.stratumLatencyQuantile(Strata.of(2, 784), 0.5)).isCloseTo(v2.stratumLatencyQuantile(Strata.of(2, 784), 0.5), within(1e-9));
        assertThat(b2.inputCount("mean")).isEqualTo(96);
        assertThat(b2.inputQuantile("mean", 0.5)).isCloseTo(v2.inputQuantile("mean", 0.5), within(1e-12));
        assertThat(back.requestsBefore("v2", 7)).isEqualTo(1);
        assertThat(back.versionOrEmpty("v2").requests()).isEqualTo(101);
    }

    @Test
    void readsTheFormatWrittenBeforeRevisionsAndStrata() throws Exception {
        // format 1, as the previous StatsCodec wrote it: one version, one failed request of 3 ms, input mean 1.0
        var sketch = com.datadoghq.sketch.ddsketch.DDSketches.unboundedDense(0.01);
        sketch.accept(3);
        var sketchBytes = com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput.withDefaultInitialCapacity();
        sketch.encode(sketchBytes, false);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.writeByte(1);
        out.writeInt(1);
        out.writeUTF("v1");
        out.writeLong(1);
        out.writeLong(1);
        out.writeInt(sketchBytes.numWrittenBytes());
        out.write(sketchBytes.backingArray(), 0, sketchBytes.numWrittenBytes());
        out.writeLong(1);
        out.writeDouble(0.9);
        out.writeDouble(0.81);
        out.writeInt(1);
        out.writeUTF("cat");
        out.writeLong(1);
        out.writeLong(0);
        out.writeLong(0);
        out.writeInt(1);
        out.writeUTF("mean");
        out.writeDouble(1);
        out.writeDouble(1.0);
        out.writeDouble(1.0);
        out.flush();

        ModelWindow back = StatsCodec.decode(bytes.toByteArray());

        assertThat(back.slices().keySet()).containsExactly(new ModelWindow.Slice("v1", -1));
        VersionStats v1 = back.versionOrEmpty("v1");
        assertThat(v1.requests()).isEqualTo(1);
        assertThat(v1.errors()).isEqualTo(1);
        assertThat(v1.latencyQuantile(0.5)).isCloseTo(3, within(0.05));
        assertThat(v1.inputMean("mean")).isEqualTo(1.0);
        assertThat(v1.strata()).containsExactly(Strata.DEFAULT);
        assertThat(v1.stratumLatencySamples(Strata.DEFAULT)).isEqualTo(1);
    }

    @Test
    void rejectsBytesOfAnotherFormat() {
        assertThatThrownBy(() -> StatsCodec.decode(new byte[] {9, 0, 0})).isInstanceOf(IllegalArgumentException.class);
    }
}
