package io.sluice.ingest.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Token, signature, both, or neither configured. */
class WebhookAuthenticatorTests {

    private final byte[] body = "{\"Records\":[]}".getBytes(StandardCharsets.UTF_8);

    @Test
    void acceptsTheTokenAndRefusesAnythingElse() {
        WebhookAuthenticator auth = new WebhookAuthenticator("s3cret", "", false);

        assertThat(auth.refusal("s3cret", null, body)).isNull();
        assertThat(auth.refusal("s3cre", null, body)).isEqualTo("invalid token");
        assertThat(auth.refusal(null, null, body)).startsWith("missing credentials");
        assertThat(auth.refusal(null, "sha256=00", body)).startsWith("missing credentials");
    }

    @Test
    void acceptsAValidSignatureOfTheExactBody() {
        WebhookAuthenticator auth = new WebhookAuthenticator("", "key", false);
        String signature = "sha256=" + WebhookAuthenticator.sign("key".getBytes(StandardCharsets.UTF_8), body);

        assertThat(auth.refusal(null, signature, body)).isNull();
        assertThat(auth.refusal(null, signature.toUpperCase().replace("SHA256=", "sha256="), body)).isNull();
        assertThat(auth.refusal(null, signature, "{}".getBytes())).contains("invalid X-Sluice-Signature");
    }

    @Test
    void refusesEverythingWhenNothingIsConfiguredUnlessTold() {
        assertThat(new WebhookAuthenticator("", "", false).refusal("x", null, body)).contains("not configured");
        assertThat(new WebhookAuthenticator("", "", true).refusal(null, null, body)).isNull();
    }
}
