package io.sluice.events.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

import io.sluice.events.codec.EventDecodingException.Reason;
import io.sluice.events.codec.registry.ConfluentRegistryClient;
import io.sluice.events.history.SchemaHistory;

/**
 * Encodes Sluice events and decodes any of them, whatever schema version wrote it and in either
 * {@link WireFormat}. Thread-safe; a process takes its codec from {@link #of(WireSettings)} (one per
 * settings, shared by the Spring bean and every Kafka serde), tools and tests may build their own.
 *
 * <p>Decoding picks the reader class from the writer schema's full name, so a topic that carries
 * several event types decodes each to its own class; consumers of such topics take
 * {@link SpecificRecord} and dispatch on the type. Registry-framed records need a registry to look
 * their id up; single-object records never do.
 */
public final class EventCodec {

    private static final Duration REGISTRY_PATIENCE = Duration.ofSeconds(30);
    private static final Map<WireSettings, EventCodec> SHARED = new ConcurrentHashMap<>();

    private final Map<String, Schema> readerByName;
    private final Map<Long, Schema> writerByFingerprint;
    private final Map<Schema, BinaryMessageEncoder<SpecificRecord>> encoders = new ConcurrentHashMap<>();
    private final Map<Schema, SpecificDatumWriter<SpecificRecord>> writers = new ConcurrentHashMap<>();
    private final Map<Long, SpecificDatumReader<SpecificRecord>> readers = new ConcurrentHashMap<>();
    private final Map<Integer, SpecificDatumReader<SpecificRecord>> readersById = new ConcurrentHashMap<>();
    private final WireFormat writeFormat;
    private final SchemaRegistry registry;

    private EventCodec(SchemaHistory history, WireFormat writeFormat, SchemaRegistry registry) {
        if (writeFormat == WireFormat.CONFLUENT) {
            Objects.requireNonNull(registry, "writing registry framing needs a registry");
        }
        this.readerByName = history.eventNames().collect(Collectors.toUnmodifiableMap(n -> n, EventCodec::currentSchema));
        this.writerByFingerprint = new ConcurrentHashMap<>();
        history.all().forEach(this::learn);
        readerByName.values().forEach(this::learn);
        this.writeFormat = writeFormat;
        this.registry = registry;
    }

    /**
     * The process's codec for these settings, built once and shared: the format it writes, and a
     * {@link ConfluentRegistryClient} for the registry URL when one is set.
     */
    public static EventCodec of(WireSettings settings) {
        return SHARED.computeIfAbsent(settings, s -> new EventCodec(SchemaHistory.fromClasspath(), s.write(),
                s.registry().map(url -> new ConfluentRegistryClient(url, REGISTRY_PATIENCE)).orElse(null)));
    }

    /** The default codec: single-object encoding, no registry needed (registry-framed records fail with {@code NO_REGISTRY}). */
    public static EventCodec singleObject() {
        return of(WireSettings.DEFAULT);
    }

    /** Single-object encoding that also reads the writer schemas of the given history (tools, tests). */
    public static EventCodec singleObject(SchemaHistory history) {
        return new EventCodec(history, WireFormat.SINGLE_OBJECT, null);
    }

    /** Writes Confluent framing through the registry; still reads single-object records. */
    public static EventCodec registry(SchemaRegistry registry) {
        return new EventCodec(SchemaHistory.fromClasspath(), WireFormat.CONFLUENT, Objects.requireNonNull(registry));
    }

    /** Writes the given format; reads both, registry-framed records through the registry (may be null for single-object). */
    public static EventCodec writing(WireFormat format, SchemaRegistry registry) {
        return new EventCodec(SchemaHistory.fromClasspath(), format, registry);
    }

    /** The format {@link #encode} writes. */
    public WireFormat writeFormat() {
        return writeFormat;
    }

    private void learn(Schema schema) {
        writerByFingerprint.put(SchemaNormalization.parsingFingerprint64(schema), schema);
    }

    private static Schema currentSchema(String fullName) {
        try {
            return SpecificData.get().getSchema(Class.forName(fullName));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("schema history names " + fullName + " but no generated class exists", e);
        }
    }

    /** Event types this codec knows, by full name. */
    public java.util.Set<String> eventNames() {
        return readerByName.keySet();
    }

    public byte[] encode(SpecificRecord event) {
        Schema schema = event.getSchema();
        if (!readerByName.containsKey(schema.getFullName())) {
            throw new IllegalArgumentException(schema.getFullName() + " is not a recorded Sluice event type");
        }
        try {
            if (writeFormat == WireFormat.CONFLUENT) {
                return encodeConfluent(event, schema);
            }
            return encoders.computeIfAbsent(schema, s -> new BinaryMessageEncoder<>(SpecificData.getForSchema(s), s))
                    .encode(event).array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] encodeConfluent(SpecificRecord event, Schema schema) throws IOException {
        // subject: the record's full name (record-name strategy), as several event types share a topic
        int id = registry.register(schema.getFullName(), schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        writers.computeIfAbsent(schema, s -> new SpecificDatumWriter<>(s, SpecificData.getForSchema(s))).write(event, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** Decodes any event; throws {@link EventDecodingException} with the reason otherwise. */
    public SpecificRecord decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new EventDecodingException(Reason.EMPTY, "no bytes to decode", null);
        }
        WireFormat format = WireFormat.of(bytes);
        if (format == null) {
            throw new EventDecodingException(Reason.UNKNOWN_FORMAT, String.format(
                    "%d bytes starting 0x%02X are neither Avro single-object (C3 01) nor registry-framed (00)",
                    bytes.length, bytes[0]), null);
        }
        return format == WireFormat.SINGLE_OBJECT ? decodeSingleObject(bytes) : decodeConfluent(bytes);
    }

    /** Decodes and checks the type. */
    public <T extends SpecificRecord> T decode(byte[] bytes, Class<T> type) {
        SpecificRecord event = decode(bytes);
        if (!type.isInstance(event)) {
            throw new EventDecodingException(Reason.UNEXPECTED_TYPE,
                    "expected " + type.getSimpleName() + " but got " + event.getSchema().getName(), null);
        }
        return type.cast(event);
    }

    private SpecificRecord decodeSingleObject(byte[] bytes) {
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        SpecificDatumReader<SpecificRecord> reader = readers.computeIfAbsent(fingerprint, fp -> {
            Schema writer = writerByFingerprint.get(fp);
            return writer == null ? null : readerFor(writer);
        });
        if (reader == null) {
            throw new EventDecodingException(Reason.UNKNOWN_SCHEMA, String.format(
                    "writer schema fingerprint %016x is not in the schema history", fingerprint), null);
        }
        return read(reader, bytes, 10);
    }

    private SpecificRecord decodeConfluent(byte[] bytes) {
        if (registry == null) {
            throw new EventDecodingException(Reason.NO_REGISTRY,
                    "record is registry-framed but no schema registry is configured (" + WireSettings.REGISTRY_URL + ")", null);
        }
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        SpecificDatumReader<SpecificRecord> reader = readersById.get(id);
        if (reader == null) {
            Schema writer;
            try {
                writer = registry.schemaById(id);
            } catch (SchemaRegistry.UnavailableException e) {
                throw new EventDecodingException(Reason.REGISTRY_UNAVAILABLE, "cannot look up schema id " + id + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new EventDecodingException(Reason.UNKNOWN_SCHEMA, "registry has no schema with id " + id + ": " + e.getMessage(), e);
            }
            reader = readersById.computeIfAbsent(id, i -> readerFor(writer));
        }
        return read(reader, bytes, 5);
    }

    private SpecificDatumReader<SpecificRecord> readerFor(Schema writer) {
        Schema reader = readerByName.get(writer.getFullName());
        if (reader == null) {
            throw new EventDecodingException(Reason.UNKNOWN_SCHEMA,
                    writer.getFullName() + " is not a Sluice event type this reader knows", null);
        }
        return new SpecificDatumReader<>(writer, reader, SpecificData.getForSchema(reader));
    }

    private static SpecificRecord read(SpecificDatumReader<SpecificRecord> reader, byte[] bytes, int offset) {
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, null);
            SpecificRecord event = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new EventDecodingException(Reason.CORRUPT_BODY, "trailing bytes after the "
                        + event.getSchema().getName() + " body", null);
            }
            return event;
        } catch (IOException | RuntimeException e) {
            if (e instanceof EventDecodingException decoding) {
                throw decoding;
            }
            throw new EventDecodingException(Reason.CORRUPT_BODY, "body does not match its writer schema "
                    + reader.getSchema().getFullName() + ": " + e, e);
        }
    }

    /** A lookup used by tests and tools: the current schema of an event type. */
    public Function<String, Schema> schemas() {
        return readerByName::get;
    }
}
