package io.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.sluice.events.DatasetReady;
import io.sluice.events.Events;
import io.sluice.events.codec.EventCodec;
import io.sluice.events.codec.WireFormat;
import io.sluice.events.codec.WireSettings;
import io.sluice.events.codec.kafka.EventDeserializer;
import io.sluice.events.codec.kafka.EventSerializer;
import io.sluice.events.codec.registry.ConfluentRegistryClient;
import io.sluice.platform.events.PartitionReplay;
import io.sluice.platform.kafka.KafkaClients;
import io.sluice.platform.testkit.SluiceKafka;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Registry mode against the real registry server (Apicurio, the distribution the build unpacks, on Java 21+; started once
 * for the class, schemas in memory) and a real embedded broker: what Sluice's producer serde writes in Confluent framing
 * is decoded by a plain Confluent-style reader written here (magic byte, id looked up through the API, Avro's generic
 * reader; no Sluice code) and by Sluice's readers, a topic switched from single-object to registry mode is read fully,
 * and the registry refuses an incompatible schema under the compatibility Sluice set.
 */
class SchemaRegistryIntegrationTests {

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Process process;
    private static SchemaRegistryServer registry;

    @BeforeAll
    static void startRegistry() throws IOException {
        Optional<Path> java = SchemaRegistryServer.findJava(System.getenv());
        assumeTrue(java.isPresent(), "no Java " + SchemaRegistryServer.MIN_JAVA
                + "+ on this machine (set SLUICE_REGISTRY_JAVA_HOME): the schema registry cannot run, registry tests skipped");
        Path home = Path.of(System.getProperty("sluice.e2e.home", "..")).toAbsolutePath().normalize();
        Path distribution = SchemaRegistryServer.distribution(home).orElseThrow(() -> new AssertionError(
                "the build unpacks the registry into " + home.resolve(SchemaRegistryServer.DISTRIBUTION) + "; it is missing"));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        registry = new SchemaRegistryServer(java.get(), distribution, port, null);
        Path log = Files.createTempFile("schema-registry", ".log");
        process = registry.launch(log);
        await("the registry answering at " + registry.api() + " (log " + log + ")").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("the registry exited with " + process.exitValue() + ":\n" + Broker.tail(log, 30));
                    }
                    return registry.answers();
                });
    }

    @AfterAll
    static void stopRegistry() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void aPlainConfluentReaderAndSluicesReadersDecodeEveryEventTypeWrittenInRegistryMode() throws Exception {
        List<SpecificRecord> events = Events.oneOfEach();
        send("registry-mode", events, WireFormat.CONFLUENT);

        List<ConsumerRecord<String, byte[]>> records = kafka.records("registry-mode");
        assertThat(records).hasSize(events.size());
        EventDeserializer sluiceReader = reader();
        for (int i = 0; i < events.size(); i++) {
            SpecificRecord sent = events.get(i);
            byte[] value = records.get(i).value();

            GenericRecord plain = confluentStyleRead(value);
            assertThat(plain.getSchema().getFullName()).isEqualTo(sent.getSchema().getFullName());
            assertThat(((GenericRecord) plain.get("header")).get("eventId").toString())
                    .isEqualTo(((GenericRecord) sent.get(sent.getSchema().getField("header").pos())).get("eventId"));
            assertThat(asGenerated(plain, sent.getSchema())).as("the plain reader decoded every field of " + sent.getSchema().getName())
                    .isEqualTo(sent);
            assertThat(sluiceReader.deserialize("registry-mode", value)).isEqualTo(sent);
        }
        // record-name subjects, each under the compatibility the build's history check enforces
        List<String> subjects = new ArrayList<>();
        get("/subjects").forEach(subject -> subjects.add(subject.asString()));
        for (SpecificRecord sent : events) {
            String subject = sent.getSchema().getFullName();
            assertThat(subjects).contains(subject);
            assertThat(get("/config/" + subject).path("compatibilityLevel").asString()).isEqualTo(ConfluentRegistryClient.COMPATIBILITY);
        }
    }

    @Test
    void readsATopicFullyAfterItsWritersSwitchedFromSingleObjectToRegistryMode() throws Exception {
        List<SpecificRecord> before = List.of(Events.datasetReady().build(), Events.trainingCompleted().build(), Events.modelApproved().build());
        List<SpecificRecord> after = List.of(Events.datasetReady().build(), Events.trainingCompleted().build(), Events.canaryStarted().build());
        send("switched", before, WireFormat.SINGLE_OBJECT);
        send("switched", after, WireFormat.CONFLUENT);

        List<ConsumerRecord<String, byte[]>> records = kafka.records("switched");
        EventDeserializer sluiceReader = reader();
        List<SpecificRecord> read = new ArrayList<>();
        records.forEach(record -> read.add(sluiceReader.deserialize("switched", record.value())));

        assertThat(records).extracting(r -> r.value()[0]).containsExactly((byte) 0xC3, (byte) 0xC3, (byte) 0xC3, (byte) 0, (byte) 0, (byte) 0);
        List<SpecificRecord> sent = new ArrayList<>(before);
        sent.addAll(after);
        assertThat(read).containsExactlyElementsOf(sent);
        // what a service replays to rebuild its state (platform's followers and replays), through the codec of its settings
        EventCodec serviceCodec = EventCodec.of(settings(WireFormat.CONFLUENT));
        assertThat(PartitionReplay.readTopicsToEnd(KafkaClients.forBootstrap(kafka.bootstrapServers()), "switched-replay", serviceCodec,
                List.of("switched"), Duration.ofSeconds(30))).extracting(PartitionReplay.Replayed::event).containsExactlyElementsOf(sent);
    }

    @Test
    void theRegistryRefusesAnIncompatibleSchemaAndAcceptsACompatibleOne() throws Exception {
        EventCodec.of(settings(WireFormat.CONFLUENT)).encode(Events.datasetReady().build()); // registers the subject, FULL_TRANSITIVE
        String subject = DatasetReady.getClassSchema().getFullName();
        Schema required = withField(DatasetReady.getClassSchema(), "{\"name\":\"owner\",\"type\":\"string\"}");
        Schema optional = withField(DatasetReady.getClassSchema(), "{\"name\":\"owner\",\"type\":\"string\",\"default\":\"\"}");

        HttpResponse<String> refused = post("/subjects/" + subject + "/versions", required);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        ConfluentRegistryClient client = new ConfluentRegistryClient(URI.create(registry.api()), Duration.ofSeconds(5));
        assertThatThrownBy(() -> client.register(subject, required)).isInstanceOf(ConfluentRegistryClient.Refused.class)
                .hasMessageContaining("incompatible");
        assertThat(post("/subjects/" + subject + "/versions", optional).statusCode()).isEqualTo(200);

        // a subject set to BACKWARD by hand: a reader schema that cannot read what was written is refused too
        String other = "sluice.test.Backward";
        Schema first = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Backward\",\"namespace\":\"sluice.test\","
                + "\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
        assertThat(post("/subjects/" + other + "/versions", first).statusCode()).isEqualTo(200);
        assertThat(call("PUT", "/config/" + other, "{\"compatibility\":\"BACKWARD\"}").statusCode()).isEqualTo(200);
        Schema changedType = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Backward\",\"namespace\":\"sluice.test\","
                + "\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
        assertThat(post("/subjects/" + other + "/versions", changedType).statusCode()).isEqualTo(409);
    }

    /** A Confluent-style reader, no Sluice code: magic byte 0, the 4-byte id, the writer schema from the registry's API. */
    private static GenericRecord confluentStyleRead(byte[] value) throws Exception {
        assertThat(value[0]).as("magic byte").isZero();
        int id = ByteBuffer.wrap(value, 1, 4).getInt();
        Schema writer = new Schema.Parser().parse(get("/schemas/ids/" + id).path("schema").asString());
        return new GenericDatumReader<GenericRecord>(writer).read(null,
                DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
    }

    /** The generic record as its generated class (written by Avro's generic writer, read by its specific reader), to compare field by field. */
    private static SpecificRecord asGenerated(GenericRecord record, Schema generated) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return new SpecificDatumReader<SpecificRecord>(record.getSchema(), generated)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }

    /** Sends through Sluice's producer serde, built by class name from the client config as every binding builds it. */
    private static void send(String topic, List<SpecificRecord> events, WireFormat format) throws Exception {
        Map<String, Object> config = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, EventSerializer.class,
                WireSettings.WIRE_FORMAT, format == WireFormat.CONFLUENT ? "confluent" : "single-object",
                WireSettings.REGISTRY_URL, registry.api()));
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config)) {
            for (SpecificRecord event : events) {
                producer.send(new ProducerRecord<>(topic, "one-partition", event)).get();
            }
        }
    }

    /** Sluice's reader as a service configures it: the registry URL in the client config, whatever the service writes. */
    private static EventDeserializer reader() {
        EventDeserializer reader = new EventDeserializer();
        reader.configure(Map.of(WireSettings.REGISTRY_URL, registry.api()), false);
        return reader;
    }

    private static WireSettings settings(WireFormat format) {
        return new WireSettings(format, Optional.of(URI.create(registry.api())));
    }

    private static Schema withField(Schema schema, String field) {
        String json = schema.toString();
        int fields = json.indexOf("\"fields\":[") + "\"fields\":[".length();
        return new Schema.Parser().parse(json.substring(0, fields) + field + "," + json.substring(fields));
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = call("GET", path, null);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> post(String path, Schema schema) throws Exception {
        return call("POST", path, JSON.createObjectNode().put("schema", schema.toString()).toString());
    }

    private static HttpResponse<String> call(String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(registry.api() + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
