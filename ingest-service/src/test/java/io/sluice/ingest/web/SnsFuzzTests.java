package io.sluice.ingest.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.springframework.http.ResponseEntity;

import io.sluice.ingest.domain.ObjectEvent;

/**
 * {@code POST /notifications/s3} fed SNS messages — signed ones with a damaged field, re-signed ones carrying a damaged
 * S3 {@code Message}, mutated bytes and arbitrary bytes: always 200 or a 4xx, never a 5xx or an exception, and a valid
 * message still goes through afterwards.
 */
class SnsFuzzTests {

    private static final List<String> FIELDS = List.of("Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp",
            "SignatureVersion", "Signature", "SigningCertURL", "SubscribeURL", "Token");

    private final List<ObjectEvent> forwarded = SnsFixture.events();
    private final NotificationController controller = SnsFixture.controller(forwarded, false);

    @Property(tries = 1000)
    void snsMessagesAreAnsweredOrRefusedWithA4xx(@ForAll("messages") byte[] body) throws Exception {
        ResponseEntity<?> response = SnsFixture.post(controller, body);

        assertThat(response.getStatusCode().value()).isIn(200, 400, 401, 403);
        assertThat(SnsFixture.post(controller, SnsFixture.bytes(SnsFixture.notification("2"))).getStatusCode().value()).isEqualTo(200);
    }

    private static Arbitrary<String> oddValues() {
        return Arbitraries.oneOf(Arbitraries.of("[]", "{}", "1", "true", "null", "\"\"", "\"1\"", "\"2\"", "\"\\u0000\\n\"",
                        "\"https://sns.us-west-2.amazonaws.com/x.pem\"", "\"http://127.0.0.1/x.pem\""),
                Arbitraries.strings().ofMaxLength(16).map(s -> SnsFixture.JSON.writeValueAsString(s)));
    }

    @Provide
    Arbitrary<byte[]> messages() {
        Arbitrary<byte[]> damagedField = Combinators.combine(Arbitraries.of("1", "2"), Arbitraries.of(FIELDS), oddValues(),
                Arbitraries.of(true, false)).as((version, field, value, resign) -> {
                    var message = SnsFixture.notification(version);
                    message.set(field, SnsFixture.JSON.readTree(value));
                    if (resign && message.path("Type").isString() && message.path("SignatureVersion").isString()) {
                        try {
                            SnsFixture.sign(message);
                        } catch (RuntimeException e) { // a Type or version the fixture cannot sign: sent as it is
                            return SnsFixture.bytes(message);
                        }
                    }
                    return SnsFixture.bytes(message);
                });
        Arbitrary<byte[]> damagedRecords = Combinators.combine(Arbitraries.integers().between(0, 10_000), Arbitraries.chars(),
                oddValues()).as((where, c, size) -> {
                    String records = SnsFixture.sample("s3-put.json").replaceFirst("\"size\":\\s*\\d+", "\"size\": " + size);
                    int at = where % records.length();
                    String damaged = where % 2 == 0 ? records.substring(0, at) : records.substring(0, at) + c + records.substring(at + 1);
                    return SnsFixture.bytes(SnsFixture.sign(SnsFixture.notification("2").put("Message", damaged)));
                });
        Arbitrary<byte[]> mutatedBytes = Combinators.combine(Arbitraries.integers().between(0, 100_000), Arbitraries.bytes())
                .as((where, b) -> {
                    byte[] body = SnsFixture.bytes(SnsFixture.notification("1"));
                    body[where % body.length] = b;
                    return body;
                });
        return Arbitraries.oneOf(damagedField, damagedRecords, mutatedBytes,
                Arbitraries.strings().ofMaxLength(200).map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300));
    }
}
