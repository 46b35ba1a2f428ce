package io.sluice.events.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import io.sluice.events.Events;
import io.sluice.events.TrainingCompleted;
import io.sluice.events.codec.EventCodecTests.InMemoryRegistry;
import io.sluice.events.codec.EventDecodingException.Reason;
import io.sluice.events.codec.kafka.EventDeserializer;
import io.sluice.events.codec.kafka.EventSerializer;

/** Framing detection, both decode paths, and the settings that pick the format a process writes. */
class WireFormatTests {

    private final InMemoryRegistry registry = new InMemoryRegistry();
    private final EventCodec confluentWriter = EventCodec.registry(registry);
    private final EventCodec singleObjectWriter = EventCodec.writing(WireFormat.SINGLE_OBJECT, registry);

    @Test
    void detectsTheFormatByItsFirstBytes() {
        assertThat(WireFormat.of(new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8})).isEqualTo(WireFormat.SINGLE_OBJECT);
        assertThat(WireFormat.of(new byte[] {0, 0, 0, 0, 1})).isEqualTo(WireFormat.CONFLUENT);
        assertThat(WireFormat.of(new byte[] {(byte) 0xC3, 0x01, 1})).as("too short for a fingerprint").isNull();
        assertThat(WireFormat.of(new byte[] {0, 0, 1})).as("too short for an id").isNull();
        assertThat(WireFormat.of(new byte[] {(byte) 0xC3, 0x02, 1, 2, 3, 4, 5, 6, 7, 8})).isNull();
        assertThat(WireFormat.of("{\"json\":1}".getBytes())).isNull();
    }

    @Test
    void writesEachFormatAsConfigured() {
        TrainingCompleted event = Events.trainingCompleted().build();

        byte[] framed = confluentWriter.encode(event);
        byte[] single = singleObjectWriter.encode(event);

        assertThat(framed[0]).isZero();
        Schema registered = registry.schemaById(ByteBuffer.wrap(framed, 1, 4).getInt());
        assertThat(registered).isEqualTo(TrainingCompleted.getClassSchema());
        assertThat(single[0]).isEqualTo((byte) 0xC3);
        assertThat(single[1]).isEqualTo((byte) 0x01);
    }

    @Test
    void decodesEveryEventTypeInBothFormatsWhicheverFormatTheReaderWrites() {
        for (SpecificRecord event : Events.oneOfEach()) {
            byte[] framed = confluentWriter.encode(event);
            byte[] single = singleObjectWriter.encode(event);
            for (EventCodec reader : List.of(confluentWriter, singleObjectWriter)) {
                assertThat(reader.decode(framed)).isEqualTo(event);
                assertThat(reader.decode(single)).isEqualTo(event);
            }
        }
    }

    @Test
    void refusesRegistryFramingWithoutARegistryOrWithAnUnknownId() {
        byte[] framed = confluentWriter.encode(Events.datasetReady().build());
        byte[] unknownId = framed.clone();
        ByteBuffer.wrap(unknownId, 1, 4).putInt(999);

        assertReason(EventCodec.singleObject(), framed, Reason.NO_REGISTRY);
        assertReason(singleObjectWriter, unknownId, Reason.UNKNOWN_SCHEMA);
    }

    @Test
    void saysTheRegistryIsUnavailableRatherThanTheSchemaUnknown() {
        SchemaRegistry down = new SchemaRegistry() {
            @Override
            public int register(String subject, Schema schema) {
                throw new UnavailableException("down", null);
            }

            @Override
            public Schema schemaById(int id) {
                throw new UnavailableException("connection refused", null);
            }
        };
        byte[] framed = confluentWriter.encode(Events.datasetReady().build());

        assertReason(EventCodec.writing(WireFormat.SINGLE_OBJECT, down), framed, Reason.REGISTRY_UNAVAILABLE);
    }

    @Test
    void readsTheSettingsAndRefusesConfluentWithoutARegistry() {
        assertThat(WireSettings.from(Map.of()::get)).isEqualTo(WireSettings.DEFAULT);
        assertThat(WireSettings.from(Map.of(WireSettings.WIRE_FORMAT, "confluent",
                WireSettings.REGISTRY_URL, "http://registry:8080/apis/ccompat/v7/")::get))
                .isEqualTo(new WireSettings(WireFormat.CONFLUENT, Optional.of(URI.create("http://registry:8080/apis/ccompat/v7"))));
        assertThat(WireSettings.from(Map.of(WireSettings.WIRE_FORMAT, "SINGLE_OBJECT", WireSettings.REGISTRY_URL, "")::get))
                .isEqualTo(WireSettings.DEFAULT);
        assertThatThrownBy(() -> WireSettings.from(Map.of(WireSettings.WIRE_FORMAT, "confluent")::get))
                .hasMessageContaining(WireSettings.REGISTRY_URL);
        assertThatThrownBy(() -> WireSettings.from(Map.of(WireSettings.WIRE_FORMAT, "protobuf")::get))
                .hasMessageContaining("single-object or confluent");
    }

    @Test
    void kafkaSerdesTakeTheirCodecFromTheClientConfig() {
        Map<String, Object> config = new HashMap<>(Map.of(WireSettings.WIRE_FORMAT, "confluent",
                WireSettings.REGISTRY_URL, "http://127.0.0.1:9/apis/ccompat/v7"));
        EventSerializer plain = new EventSerializer();
        plain.configure(Map.of(), false);
        EventDeserializer configured = new EventDeserializer();
        configured.configure(config, false);
        EventSerializer explicit = new EventSerializer(confluentWriter);
        explicit.configure(Map.of(), false);

        assertThat(plain.serialize("t", Events.datasetReady().build())[0]).isEqualTo((byte) 0xC3);
        assertThat(explicit.serialize("t", Events.datasetReady().build())[0]).as("an explicit codec wins").isZero();
        assertThat(EventCodec.of(WireSettings.from(config::get))).as("one codec per settings in a process")
                .isSameAs(EventCodec.of(WireSettings.from(config::get)))
                .extracting(EventCodec::writeFormat).isEqualTo(WireFormat.CONFLUENT);
        SpecificRecord event = Events.datasetReady().build();
        assertThat(configured.deserialize("t", singleObjectWriter.encode(event))).isEqualTo(event);
    }

    private static void assertReason(EventCodec codec, byte[] bytes, Reason reason) {
        assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(EventDecodingException.class)
                .satisfies(e -> assertThat(((EventDecodingException) e).reason()).isEqualTo(reason));
    }
}
