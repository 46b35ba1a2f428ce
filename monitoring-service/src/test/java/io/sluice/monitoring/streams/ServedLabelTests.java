package io.sluice.monitoring.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import io.sluice.events.Events;
import io.sluice.events.PredictionServed;

class ServedLabelTests {

    @Test
    void keepsModelVersionAndPredictedClassThroughItsSerde() throws Exception {
        PredictionServed served = Events.predictionServed().setModelName("digits").setModelVersion("v7").setPredictedClass("ß-3")
                .setRoutingRevision(12).build();
        ServedLabel label = ServedLabel.of(served);
        byte[] bytes = ServedLabel.serde().serializer().serialize("t", label);
        assertThat(ServedLabel.serde().deserializer().deserialize("t", bytes)).isEqualTo(new ServedLabel("digits", "v7", "ß-3", 12));
        assertThat(bytes.length).isLessThan(served.toByteBuffer().remaining());
    }

    @Test
    void keepsAMissingPredictedClassMissing() {
        ServedLabel failed = new ServedLabel("digits", "v7", null);
        assertThat(ServedLabel.decode(ServedLabel.encode(failed))).isEqualTo(failed);
    }

    @Test
    void readsTheFormatWrittenBeforeRevisionsAsRevisionUnknown() {
        byte[] format1 = {1, 0, 1, 'm', 0, 2, 'v', '1', 1, 0, 1, 'a'};
        assertThat(ServedLabel.decode(format1)).isEqualTo(new ServedLabel("m", "v1", "a", -1));
    }

    @Test
    void refusesBytesOfAnotherFormat() {
        assertThatThrownBy(() -> ServedLabel.decode(new byte[] {9, 0, 0})).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> ServedLabel.decode(new byte[] {1, 0})).isInstanceOf(SerializationException.class);
    }
}
