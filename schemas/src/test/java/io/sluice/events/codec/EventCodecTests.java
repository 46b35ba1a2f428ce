package io.sluice.events.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.events.DatasetReady;
import io.sluice.events.Events;
import io.sluice.events.TrainingCompleted;
import io.sluice.events.codec.EventDecodingException.Reason;
import io.sluice.events.history.SchemaHistory;

class EventCodecTests {

    private final EventCodec codec = EventCodec.singleObject();

    @Test
    void roundTripsEveryEventType() {
        List<SpecificRecord> events = Events.oneOfEach();
        assertThat(events).extracting(e -> e.getSchema().getFullName()).containsExactlyInAnyOrderElementsOf(codec.eventNames());
        for (SpecificRecord event : events) {
            byte[] bytes = codec.encode(event);
            assertThat(bytes[0]).isEqualTo((byte) 0xC3);
            assertThat(bytes[1]).isEqualTo((byte) 0x01);
            assertThat(codec.decode(bytes)).isEqualTo(event);
        }
    }

    @Test
    void writesTheSchemaFingerprintAfterTheMarker() {
        byte[] bytes = codec.encode(Events.datasetReady().build());
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(DatasetReady.getClassSchema()));
    }

    @Test
    void decodesEventsWrittenWithAnOlderSchemaFromTheHistory(@TempDir Path history) throws Exception {
        // an older DatasetReady, before featureNames, labelColumn and warnings existed
        Schema current = DatasetReady.getClassSchema();
        List<Schema.Field> oldFields = current.getFields().stream()
                .filter(f -> !List.of("featureNames", "labelColumn", "warnings").contains(f.name()))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        Schema old = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, oldFields);
        Files.writeString(history.resolve("DatasetReady.v1.avsc"), old.toString());
        Files.writeString(history.resolve("index.txt"), "DatasetReady.v1.avsc\n");

        DatasetReady sample = Events.datasetReady().build();
        GenericRecord oldEvent = new GenericData.Record(old);
        for (Schema.Field field : oldFields) {
            oldEvent.put(field.name(), sample.get(field.name()));
        }
        byte[] bytes = singleObject(old, oldEvent);

        assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(EventDecodingException.class)
                .extracting(e -> ((EventDecodingException) e).reason()).isEqualTo(Reason.UNKNOWN_SCHEMA);
        DatasetReady decoded = EventCodec.singleObject(SchemaHistory.fromFolder(history)).decode(bytes, DatasetReady.class);
        assertThat(decoded.getDatasetVersion()).isEqualTo(sample.getDatasetVersion());
        assertThat(decoded.getFeatureNames()).isEmpty();
        assertThat(decoded.getWarnings()).isEmpty();
        assertThat(decoded.getLabelColumn()).isNull();
    }

    private static byte[] singleObject(Schema schema, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0xC3, 0x01});
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(SchemaNormalization.parsingFingerprint64(schema)).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema, org.apache.avro.specific.SpecificData.getForClass(DatasetReady.class)).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @Test
    void namesTheReasonForBytesItCannotDecode() {
        byte[] valid = codec.encode(Events.trainingCompleted().build());
        byte[] unknownFingerprint = valid.clone();
        unknownFingerprint[5] ^= 0x5A;
        byte[] truncated = Arrays.copyOf(valid, valid.length - 7);
        byte[] trailing = Arrays.copyOf(valid, valid.length + 3);

        assertReason(new byte[0], Reason.EMPTY);
        assertReason("{\"json\":true}".getBytes(), Reason.UNKNOWN_FORMAT);
        assertReason(unknownFingerprint, Reason.UNKNOWN_SCHEMA);
        assertReason(truncated, Reason.CORRUPT_BODY);
        assertReason(trailing, Reason.CORRUPT_BODY);
        assertReason(new byte[] {0, 0, 0, 0, 7, 1, 2}, Reason.NO_REGISTRY);
    }

    @Test
    void rejectsAnEventOfAnotherTypeWhenATypeIsExpected() {
        byte[] bytes = codec.encode(Events.datasetReady().build());
        assertThatThrownBy(() -> codec.decode(bytes, TrainingCompleted.class))
                .isInstanceOf(EventDecodingException.class).hasMessageContaining("expected TrainingCompleted but got DatasetReady");
    }

    @Test
    void survivesRandomBytesWithAClearError() {
        java.util.Random random = new java.util.Random(42);
        byte[] valid = codec.encode(Events.trainingCompleted().build());
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = valid.clone();
            // keep the header so the body parser is exercised, flip body bytes
            for (int j = 0; j < 1 + random.nextInt(4); j++) {
                int at = 10 + random.nextInt(bytes.length - 10);
                bytes[at] = (byte) random.nextInt(256);
            }
            try {
                codec.decode(bytes);
            } catch (EventDecodingException expected) {
                assertThat(expected.reason()).isEqualTo(Reason.CORRUPT_BODY);
            }
        }
    }

    @Test
    void writesRegistryFramingInRegistryModeAndStillReadsSingleObject() {
        InMemoryRegistry registry = new InMemoryRegistry();
        EventCodec registryCodec = EventCodec.registry(registry);
        TrainingCompleted event = Events.trainingCompleted().build();

        byte[] framed = registryCodec.encode(event);

        assertThat(framed[0]).isZero();
        assertThat(ByteBuffer.wrap(framed, 1, 4).getInt()).isEqualTo(1);
        assertThat(registryCodec.decode(framed)).isEqualTo(event);
        assertThat(registryCodec.decode(codec.encode(event))).isEqualTo(event);
    }

    private void assertReason(byte[] bytes, Reason reason) {
        assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(EventDecodingException.class)
                .satisfies(e -> assertThat(((EventDecodingException) e).reason()).isEqualTo(reason));
    }

    /** A registry that assigns ids in order, as a Confluent-compatible registry would. */
    static final class InMemoryRegistry implements SchemaRegistry {
        private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
        private final Map<Schema, Integer> ids = new ConcurrentHashMap<>();
        private final AtomicInteger next = new AtomicInteger(1);

        @Override
        public int register(String subject, Schema schema) {
            return ids.computeIfAbsent(schema, s -> {
                int id = next.getAndIncrement();
                byId.put(id, s);
                return id;
            });
        }

        @Override
        public Schema schemaById(int id) {
            Schema schema = byId.get(id);
            if (schema == null) {
                throw new IllegalArgumentException("no schema " + id);
            }
            return schema;
        }
    }
}
