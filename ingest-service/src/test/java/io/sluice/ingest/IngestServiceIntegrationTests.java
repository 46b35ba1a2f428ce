package io.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.sluice.events.DatasetLayout;
import io.sluice.events.DatasetReady;
import io.sluice.events.DatasetRejected;
import io.sluice.events.ValidationIssue;
import io.sluice.ingest.web.WebhookAuthenticator;
import io.sluice.platform.datasets.DatasetManifest;
import io.sluice.platform.events.SluiceTopics;
import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.security.ApiKeys;
import io.sluice.platform.security.Role;
import io.sluice.platform.security.RouteRoles;
import io.sluice.platform.testkit.RouteWalk;
import io.sluice.platform.testkit.SluiceKafka;

/**
 * The ingest-service end to end on an embedded KRaft broker, through its public interface: files
 * landing in the local raw bucket (FileObjectStore and plain copies), the webhooks, and the raw
 * notifications topic; outcomes read from {@code sluice.datasets} and the training bucket.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "sluice.ingest.webhooks.hmac-secret=test-secret",
        "sluice.ingest.validation.min-samples-per-class=3",
        "sluice.ingest.quiet-period=1h",
        "logging.level.io.sluice.ingest.domain.NotificationIntake=WARN"})
class IngestServiceIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path DATA_DIR = tempDir();

    @RegisterExtension
    static SluiceKafka kafka = new SluiceKafka();

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        kafka.register(registry);
        registry.add("sluice.data-dir", DATA_DIR::toString);
        registry.add("sluice.security.keys", () -> RouteWalk.keysProperty() + "," + ApiKeys.entryFor("provider", Role.WEBHOOK, "test-token"));
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();
    private final FileObjectStore store = new FileObjectStore(DATA_DIR.resolve("buckets"));
    private final URI raw = store.bucket("sluice-local-raw-data");

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("sluice-ingest-it");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private URI dataset(String name) {
        return ObjectKeys.resolve(raw, "datasets/" + name + "/");
    }

    @Test
    void reportsLivenessAndReadiness() throws Exception {
        assertThat(get("/actuator/health/liveness")).contains("\"status\":\"UP\"");
        assertThat(get("/actuator/health/readiness")).contains("\"status\":\"UP\"");
    }

    @Test
    void exposesPrometheusMetricsTaggedWithTheService() throws Exception {
        assertThat(get("/actuator/prometheus")).contains("jvm_memory_used_bytes").contains("application=\"ingest-service\"");
    }

    @Test
    void turnsAnImageFolderUploadIntoExactlyOneDatasetReadyAndIgnoresItsReupload() throws Exception {
        TestDatasets.writeImages(store, dataset("asl"), Map.of("A", 4, "B", 3, "C", 5), 0);
        TestDatasets.markComplete(store, dataset("asl"));

        DatasetReady ready = kafka.await(SluiceTopics.DATASETS, DatasetReady.class, e -> e.getDatasetName().equals("asl"), WAIT);

        assertThat(ready.getLayout()).isEqualTo(DatasetLayout.IMAGE_FOLDER);
        assertThat(ready.getClassNames()).containsExactly("A", "B", "C");
        assertThat(ready.getClassCounts()).containsExactlyInAnyOrderEntriesOf(Map.of("A", 4L, "B", 3L, "C", 5L));
        assertThat(ready.getSampleCount()).isEqualTo(12);
        assertThat(ready.getInputShape()).containsExactly(1, 8, 8);
        assertThat(ready.getSplitCounts().getTrain() + ready.getSplitCounts().getValidation() + ready.getSplitCounts().getTest()).isEqualTo(12);
        assertThat(ready.getHeader().getCorrelationId()).isEqualTo("asl@" + ready.getDatasetVersion());
        assertThat(Path.of(URI.create(ready.getRawUri()))).isEqualTo(Path.of(dataset("asl")));
        DatasetManifest manifest = DatasetManifest.fromJson(store.read(URI.create(ready.getManifestUri())));
        assertThat(manifest.version()).isEqualTo(ready.getDatasetVersion());
        assertThat(manifest.samples()).hasSize(12);
        ConsumerRecord<String, byte[]> record = kafka.awaitRecords(SluiceTopics.DATASETS,
                r -> r.key().equals("asl"), 1, WAIT).get(0);
        assertThat(record.key()).isEqualTo("asl");

        double before = completed("ALREADY_PUBLISHED");
        TestDatasets.writeImages(store, dataset("asl"), Map.of("A", 4, "B", 3, "C", 5), 0); // the same files again
        TestDatasets.markComplete(store, dataset("asl"));
        awaitCompleted("ALREADY_PUBLISHED", before + 1);

        assertThat(datasetEvents("asl")).hasSize(1);
    }

    @Test
    void seesFilesCopiedIntoTheBucketFolderWithPlainFileCopies() throws Exception {
        Path folder = Path.of(dataset("copied"));
        for (String label : List.of("x", "y")) {
            Files.createDirectories(folder.resolve(label));
            for (int i = 0; i < 3; i++) {
                Files.write(folder.resolve(label).resolve(i + ".png"), TestDatasets.grey(label.hashCode() + i));
            }
        }
        Files.write(folder.resolve("_SUCCESS"), new byte[0]);

        DatasetReady ready = kafka.await(SluiceTopics.DATASETS, DatasetReady.class, e -> e.getDatasetName().equals("copied"), WAIT);

        assertThat(ready.getSampleCount()).isEqualTo(6);
    }

    @Test
    void completesACsvDatasetWhenAnS3NotificationReportsItsMarker() throws Exception {
        store.put(ObjectKeys.resolve(dataset("iris"), "part-0.csv"), TestDatasets.csv(12));
        String s3 = "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\","
                + "\"s3\":{\"bucket\":{\"name\":\"sluice-local-raw-data\"},\"object\":{\"key\":\"datasets/iris/_SUCCESS\",\"size\":0}}}]}";

        HttpResponse<String> response = post("/notifications/s3", s3, Map.of("Authorization", "Bearer test-token"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"accepted\":1");
        DatasetReady ready = kafka.await(SluiceTopics.DATASETS, DatasetReady.class, e -> e.getDatasetName().equals("iris"), WAIT);
        assertThat(ready.getLayout()).isEqualTo(DatasetLayout.CSV);
        assertThat(ready.getFeatureNames()).containsExactly("x1", "x2");
        assertThat(ready.getLabelColumn()).isEqualTo("label");
        assertThat(ready.getInputShape()).containsExactly(2);
        assertThat(ready.getSampleCount()).isEqualTo(12);
    }

    @Test
    void rejectsADatasetWithACorruptImageAndATooSmallClassNamingBoth() throws Exception {
        TestDatasets.writeImages(store, dataset("broken"), Map.of("A", 4, "B", 1), 100);
        store.put(ObjectKeys.resolve(dataset("broken"), "A/bad.png"), "definitely not a PNG".getBytes(StandardCharsets.UTF_8));
        byte[] png = TestDatasets.grey(999);
        store.put(ObjectKeys.resolve(dataset("broken"), "A/cut.png"), java.util.Arrays.copyOf(png, png.length - 12)); // an interrupted upload
        String object = "{\"kind\":\"storage#object\",\"bucket\":\"sluice-local-raw-data\",\"name\":\"datasets/broken/_SUCCESS\",\"size\":\"0\"}";
        String push = "{\"message\":{\"attributes\":{\"bucketId\":\"sluice-local-raw-data\",\"objectId\":\"datasets/broken/_SUCCESS\","
                + "\"eventType\":\"OBJECT_FINALIZE\",\"payloadFormat\":\"JSON_API_V1\"},\"data\":\""
                + Base64.getEncoder().encodeToString(object.getBytes(StandardCharsets.UTF_8))
                + "\",\"messageId\":\"1\"},\"subscription\":\"projects/p/subscriptions/s\"}";

        assertThat(post("/notifications/gcs?token=test-token", push, Map.of()).statusCode()).isEqualTo(401); // query tokens are off
        assertThat(post("/notifications/gcs", push, Map.of("Authorization", "Bearer test-token")).statusCode()).isEqualTo(200);

        DatasetRejected rejected = kafka.await(SluiceTopics.DATASETS, DatasetRejected.class, e -> e.getDatasetName().equals("broken"), WAIT);
        assertThat(rejected.getIssues()).extracting(ValidationIssue::getRule, ValidationIssue::getPath).contains(
                org.assertj.core.groups.Tuple.tuple("corrupt-file", "A/bad.png"),
                org.assertj.core.groups.Tuple.tuple("corrupt-file", "A/cut.png"),
                org.assertj.core.groups.Tuple.tuple("min-samples-per-class", "B"));
        assertThat(new String(store.read(URI.create(rejected.getReportUri())), StandardCharsets.UTF_8))
                .contains("\"status\" : \"REJECTED\"").contains("A/bad.png");
        assertThat(datasetEvents("broken")).hasSize(1);
    }

    @Test
    void completesADatasetFromARawNotificationOnKafka() throws Exception {
        TestDatasets.writeImages(store, dataset("from-kafka"), Map.of("cat", 3, "dog", 3), 200);
        String cloudEvent = "{\"specversion\":\"1.0\",\"id\":\"42\",\"source\":\"//storage.googleapis.com/projects/_/buckets/sluice-local-raw-data\","
                + "\"type\":\"google.cloud.storage.object.v1.finalized\",\"data\":{\"bucket\":\"sluice-local-raw-data\","
                + "\"name\":\"datasets/from-kafka/manifest.json\",\"size\":\"0\"}}";

        kafka.publishRaw(SluiceTopics.NOTIFICATIONS, "sluice-local-raw-data/datasets/from-kafka/manifest.json",
                cloudEvent.getBytes(StandardCharsets.UTF_8));

        DatasetReady ready = kafka.await(SluiceTopics.DATASETS, DatasetReady.class, e -> e.getDatasetName().equals("from-kafka"), WAIT);
        assertThat(ready.getClassNames()).containsExactly("cat", "dog");
    }

    @Test
    void authenticatesWebhooksWithAWebhookKeyOrAnHmacSignature() throws Exception {
        String deletion = "{\"Records\":[{\"eventName\":\"ObjectRemoved:Delete\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"k\"}}}]}";

        assertThat(post("/notifications/s3", deletion, Map.of()).statusCode()).isEqualTo(401);
        assertThat(post("/notifications/s3", deletion, Map.of("Authorization", "Bearer wrong")).statusCode()).isEqualTo(401);
        assertThat(post("/notifications/s3", deletion, Map.of("Authorization", "Bearer test-token")).body()).contains("\"ignored\":1");
        String signature = "sha256=" + WebhookAuthenticator.sign("test-secret".getBytes(), deletion.getBytes(StandardCharsets.UTF_8));
        assertThat(post("/notifications/s3", deletion, Map.of(WebhookAuthenticator.SIGNATURE_HEADER, signature)).statusCode()).isEqualTo(200);
        assertThat(post("/notifications/s3", deletion + " ", Map.of(WebhookAuthenticator.SIGNATURE_HEADER, signature)).statusCode())
                .isEqualTo(401);
        assertThat(post("/notifications/nope", deletion, Map.of("Authorization", "Bearer test-token")).statusCode())
                .isEqualTo(404);
    }

    @Test
    void refusesEveryRouteWithoutACredentialOrWithTooLittleRole(@Autowired ApplicationContext context,
                                                                @Autowired RouteRoles routes) {
        RouteWalk.assertEveryMappingDeclared(context, routes);
        RouteWalk.assertReadmeTable("ingest", routes);
        assertThat(new RouteWalk("http://localhost:" + port).walk(routes)).isEqualTo(3 * routes.routes().size());
    }

    @Test
    void refusesBodiesAboveTheLimitAndIgnoresObjectsOutsideTheDatasets() throws Exception {
        HttpResponse<String> large = post("/notifications/cloudevents", "x".repeat(1_048_577),
                Map.of("Authorization", "Bearer test-token"));
        assertThat(large.statusCode()).isEqualTo(413);

        String outside = "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"sluice-local-raw-data\"},"
                + "\"object\":{\"key\":\"models/m/1/model.params\"}}},{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":"
                + "{\"name\":\"someone-elses-bucket\"},\"object\":{\"key\":\"datasets/x/_SUCCESS\"}}}]}";
        HttpResponse<String> ignored = post("/notifications/s3", outside, Map.of("Authorization", "Bearer test-token"));
        assertThat(ignored.statusCode()).isEqualTo(200);
        assertThat(ignored.body()).contains("\"accepted\":0").contains("\"ignored\":2");
    }

    @Test
    void answersSmnSubscriptionConfirmationOnTheObsWebhook() throws Exception {
        String confirmation = "{\"type\":\"SubscriptionConfirmation\",\"topic_urn\":\"urn:smn:eu-de:p:raw\",\"message_id\":\"m\","
                + "\"subscribe_url\":\"https://smn.eu-de.myhuaweicloud.com/smn/subscription/confirm?token=t\",\"signature_version\":\"v1\"}";

        HttpResponse<String> response = post("/notifications/obs", confirmation,
                Map.of("Authorization", "Bearer test-token", "X-SMN-MESSAGE-TYPE", "SubscriptionConfirmation"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"subscription\":\"pending");
    }

    @Test
    @Order(Integer.MAX_VALUE) // last: the dead-letter backlog must not delay the other tests
    void refusesAThousandMalformedWebhookPayloadsOfEachKindDeadLettersMalformedRecordsAndStaysHealthy() throws Exception {
        Map<String, Function<Integer, String>> malformed = Map.of(
                "gcs", i -> "{\"message\":{\"attributes\":{\"eventType\":\"OBJECT_FINALIZE\"},\"data\":\"%%" + i + "\"}}",
                "s3", i -> "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b" + i + "\"}}}]}",
                "obs", i -> "{\"type\":\"Notification\",\"message\":\"{not json " + i + "\"}",
                "cloudevents", i -> "{\"specversion\":\"1.0\",\"id\":\"" + i + "\",\"source\":\"s\"}");
        for (var kind : malformed.entrySet()) {
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> responses = new java.util.ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                responses.add(postAsync("/notifications/" + kind.getKey(), kind.getValue().apply(i),
                        Map.of("Authorization", "Bearer test-token")));
                if (responses.size() % 50 == 0) {
                    java.util.concurrent.CompletableFuture.allOf(responses.toArray(new java.util.concurrent.CompletableFuture[0])).join();
                }
            }
            assertThat(responses).hasSize(1000).allSatisfy(f -> {
                assertThat(f.join().statusCode()).as(kind.getKey()).isEqualTo(400);
                assertThat(f.join().body()).as(kind.getKey()).contains("\"status\":400", "\"detail\"");
            });
            for (int i = 0; i < 1000; i++) {
                kafka.publishRaw(SluiceTopics.NOTIFICATIONS, kind.getKey() + i, kind.getValue().apply(i).getBytes(StandardCharsets.UTF_8));
            }
        }
        kafka.publishRaw(SluiceTopics.NOTIFICATIONS, "not-json", new byte[] {(byte) 0xC3, 0x01, 0x00});

        List<ConsumerRecord<String, byte[]>> dead = kafka.awaitRecords(SluiceTopics.NOTIFICATIONS + ".dlt", r -> true, 4001,
                Duration.ofMinutes(2));

        assertThat(dead).allSatisfy(r -> assertThat(SluiceKafka.header(r, "sluice-dlt-reason")).startsWith("MalformedNotificationException: "));
        assertThat(dead).filteredOn(r -> r.key().equals("not-json")).singleElement()
                .satisfies(r -> assertThat(SluiceKafka.header(r, "sluice-dlt-reason")).contains("not JSON"));
        assertThat(get("/actuator/health")).contains("\"status\":\"UP\"");
        // the binding still consumes after all that
        TestDatasets.writeImages(store, dataset("after-storm"), Map.of("a", 3, "b", 3), 300);
        kafka.publishRaw(SluiceTopics.NOTIFICATIONS, "k", ("{\"Records\":[{\"eventName\":\"s3:ObjectCreated:Put\",\"s3\":{\"bucket\":"
                + "{\"name\":\"sluice-local-raw-data\"},\"object\":{\"key\":\"datasets/after-storm/_SUCCESS\"}}}]}").getBytes(StandardCharsets.UTF_8));
        kafka.await(SluiceTopics.DATASETS, DatasetReady.class, e -> e.getDatasetName().equals("after-storm"), WAIT);
    }

    private List<Object> datasetEvents(String name) {
        return kafka.events(SluiceTopics.DATASETS).stream().filter(e ->
                e instanceof DatasetReady r && r.getDatasetName().equals(name)
                        || e instanceof DatasetRejected r2 && r2.getDatasetName().equals(name)).map(e -> (Object) e).toList();
    }

    private double completed(String outcome) throws Exception {
        Matcher m = Pattern.compile("sluice_ingest_datasets_completed_total\\{[^}]*outcome=\"" + outcome + "\"[^}]*} ([0-9.E]+)")
                .matcher(get("/actuator/prometheus"));
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private void awaitCompleted(String outcome, double atLeast) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (completed(outcome) < atLeast) {
            assertThat(System.nanoTime()).as("waiting for " + outcome + " >= " + atLeast).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private java.util.concurrent.CompletableFuture<HttpResponse<String>> postAsync(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }
}
