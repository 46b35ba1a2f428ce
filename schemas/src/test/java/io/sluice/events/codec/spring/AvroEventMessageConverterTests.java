package io.sluice.events.codec.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.support.MessageBuilder;

import io.sluice.events.DatasetReady;
import io.sluice.events.Events;
import io.sluice.events.TrainingCompleted;
import io.sluice.events.codec.EventCodec;

class AvroEventMessageConverterTests {

    private final AvroEventMessageConverter converter = new AvroEventMessageConverter(EventCodec.singleObject());

    @Test
    void convertsEventsToBytesAndBack() {
        DatasetReady event = Events.datasetReady().build();
        Message<?> out = converter.toMessage(event, new MessageHeaders(java.util.Map.of(MessageHeaders.CONTENT_TYPE, AvroEventMessageConverter.CONTENT_TYPE)));
        assertThat(out).isNotNull();
        Object back = converter.fromMessage(out, SpecificRecord.class);
        assertThat(back).isEqualTo(event);
        assertThat(converter.fromMessage(out, DatasetReady.class)).isEqualTo(event);
    }

    @Test
    void raisesAConversionErrorWithTheReasonForUndecodableBytes() {
        Message<byte[]> garbage = MessageBuilder.withPayload("not avro".getBytes())
                .setHeader(MessageHeaders.CONTENT_TYPE, AvroEventMessageConverter.CONTENT_TYPE).build();
        assertThatThrownBy(() -> converter.fromMessage(garbage, SpecificRecord.class))
                .isInstanceOf(MessageConversionException.class).hasMessageContaining("UNKNOWN_FORMAT");
    }

    @Test
    void raisesAConversionErrorForAnotherEventType() {
        Message<?> out = converter.toMessage(Events.datasetReady().build(), null);
        assertThatThrownBy(() -> converter.fromMessage(out, TrainingCompleted.class))
                .isInstanceOf(MessageConversionException.class).hasMessageContaining("UNEXPECTED_TYPE");
    }
}
