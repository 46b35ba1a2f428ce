package io.sluice.events.codec.spring;

import org.apache.avro.specific.SpecificRecord;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.AbstractMessageConverter;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.util.MimeType;

import io.sluice.events.codec.EventCodec;
import io.sluice.events.codec.EventDecodingException;

/**
 * Spring Cloud Stream converter for {@value #CONTENT_TYPE}: Sluice events to and from Kafka
 * record values. A record it cannot decode raises a {@link MessageConversionException} naming
 * the reason, which the binder sends to the binding's dead-letter topic.
 */
public class AvroEventMessageConverter extends AbstractMessageConverter {

    public static final String CONTENT_TYPE = "application/vnd.avro-single-object";

    private final EventCodec codec;

    public AvroEventMessageConverter(EventCodec codec) {
        super(MimeType.valueOf(CONTENT_TYPE));
        this.codec = codec;
    }

    @Override
    protected boolean supports(Class<?> clazz) {
        return SpecificRecord.class.isAssignableFrom(clazz);
    }

    @Override
    protected Object convertFromInternal(Message<?> message, Class<?> targetClass, Object conversionHint) {
        if (!(message.getPayload() instanceof byte[] bytes)) {
            return null;
        }
        try {
            SpecificRecord event = codec.decode(bytes);
            if (!targetClass.isInstance(event)) {
                throw new MessageConversionException(message, "UNEXPECTED_TYPE: binding expects "
                        + targetClass.getSimpleName() + " but the record is " + event.getSchema().getName());
            }
            return event;
        } catch (EventDecodingException e) {
            throw new MessageConversionException(message, e.getMessage(), e);
        }
    }

    @Override
    protected Object convertToInternal(Object payload, MessageHeaders headers, Object conversionHint) {
        return payload instanceof SpecificRecord event ? codec.encode(event) : null;
    }
}
