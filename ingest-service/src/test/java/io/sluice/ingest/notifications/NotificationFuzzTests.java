package io.sluice.ingest.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every notification parser, fed mutated real payloads (odd {@code size} values of every JSON type, bytes replaced,
 * cut or inserted) and arbitrary text: it returns a notification or refuses with {@link MalformedNotificationException}
 * (a 400 on the webhooks, a dead letter with the reason on Kafka), never anything else.
 */
class NotificationFuzzTests {

    private final NotificationParser parser = new NotificationParser();

    private static final Map<String, Function<NotificationParser, Function<byte[], Notification>>> PARSERS = Map.of(
            "gcs", p -> p::gcs,
            "s3", p -> p::s3,
            "obs", p -> body -> p.obs(body, null),
            "cloudevents", p -> p::cloudEvents,
            "any", p -> body -> p.any(body, Map.of("eventType", "OBJECT_FINALIZE")));

    @Property(tries = 1000)
    void gcsOnlyAnswersOrRefuses(@ForAll("gcs") byte[] body) {
        assertParsesOrRefuses("gcs", body);
    }

    @Property(tries = 1000)
    void s3OnlyAnswersOrRefuses(@ForAll("s3") byte[] body) {
        assertParsesOrRefuses("s3", body);
    }

    @Property(tries = 1000)
    void obsOnlyAnswersOrRefuses(@ForAll("obs") byte[] body) {
        assertParsesOrRefuses("obs", body);
    }

    @Property(tries = 1000)
    void cloudEventsOnlyAnswerOrRefuse(@ForAll("cloudevents") byte[] body) {
        assertParsesOrRefuses("cloudevents", body);
    }

    @Property(tries = 1000)
    void kafkaNotificationsOnlyAnswerOrRefuse(@ForAll("any") byte[] body) {
        assertParsesOrRefuses("any", body);
    }

    private void assertParsesOrRefuses(String kind, byte[] body) {
        try {
            assertThat(PARSERS.get(kind).apply(parser).apply(body)).isNotNull();
        } catch (MalformedNotificationException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    /** JSON values of every type, for a field that should be a number or a numeric string. */
    private static Arbitrary<String> oddValues() {
        return Arbitraries.oneOf(Arbitraries.of("[]", "{}", "[1]", "{\"a\":1}", "true", "null", "\"\"", "\"x\"", "-1", "1.5",
                        "1e400", "99999999999999999999999", "\"12\"", "12", "[[[]]]", "\"\\u0000\""),
                Arbitraries.strings().ofMaxLength(12).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""));
    }

    private static Arbitrary<byte[]> mutated(Arbitrary<String> documents) {
        Arbitrary<String> mutated = Combinators.combine(documents, Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 10_000), Arbitraries.chars()).as((doc, how, where, c) -> {
                    int at = doc.isEmpty() ? 0 : where % doc.length();
                    return switch (how) {
                        case 0 -> doc;                                                      // only the odd values
                        case 1 -> doc.substring(0, at);                                     // cut short
                        case 2 -> doc.substring(0, at) + c + doc.substring(at);             // a character inserted
                        case 3 -> doc.isEmpty() ? doc : doc.substring(0, at) + c + doc.substring(at + 1); // replaced
                        default -> doc.substring(at) + doc.substring(0, at);                // rotated
                    };
                });
        return Arbitraries.oneOf(mutated.map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300));
    }

    @Provide
    Arbitrary<byte[]> gcs() {
        return mutated(oddValues().map(size -> {
            String object = "{\"kind\":\"storage#object\",\"bucket\":\"b\",\"name\":\"datasets/d/_SUCCESS\",\"size\":" + size + "}";
            return "{\"message\":{\"attributes\":{\"bucketId\":\"b\",\"objectId\":\"datasets/d/_SUCCESS\",\"eventType\":\"OBJECT_FINALIZE\","
                    + "\"payloadFormat\":\"JSON_API_V1\"},\"data\":\"" + Base64.getEncoder().encodeToString(object.getBytes(StandardCharsets.UTF_8))
                    + "\",\"messageId\":\"1\"},\"subscription\":\"projects/p/subscriptions/s\"}";
        }));
    }

    @Provide
    Arbitrary<byte[]> s3() {
        return mutated(oddValues().map(size -> "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},"
                + "\"object\":{\"key\":\"datasets/d/a%20b.png\",\"size\":" + size + ",\"eTag\":\"e\"}}}]}"));
    }

    @Provide
    Arbitrary<byte[]> obs() {
        return mutated(oddValues().map(size -> {
            String records = "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"obs\":{\"bucket\":{\"name\":\"b\"},"
                    + "\"object\":{\"key\":\"datasets/d/x.png\",\"size\":" + size + "}}}]}";
            return "{\"type\":\"Notification\",\"message\":\"" + records.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        }));
    }

    @Provide
    Arbitrary<byte[]> cloudevents() {
        return mutated(oddValues().map(size -> "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"s\","
                + "\"type\":\"google.cloud.storage.object.v1.finalized\",\"data\":{\"bucket\":\"b\",\"name\":\"datasets/d/_SUCCESS\","
                + "\"size\":" + size + "}}"));
    }

    @Provide
    Arbitrary<byte[]> any() {
        return Arbitraries.oneOf(gcs(), s3(), obs(), cloudevents(), mutated(oddValues().map(size ->
                "{\"kind\":\"storage#object\",\"bucket\":\"b\",\"name\":\"datasets/d/x\",\"size\":" + size + "}")));
    }
}
