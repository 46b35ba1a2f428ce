package io.sluice.ingest.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** A webhook key holder, a signature, or neither. */
class WebhookAuthenticatorTests {

    private final byte[] body = "{\"Records\":[]}".getBytes(StandardCharsets.UTF_8);

    @Test
    void letsAWebhookKeyHolderPass() {
        WebhookAuthenticator auth = new WebhookAuthenticator("", false);

        assertThat(auth.refusal(true, null, body)).isNull();
        assertThat(auth.refusal(false, null, body)).startsWith("missing credentials");
        assertThat(auth.refusal(false, "sha256=00", body)).startsWith("missing credentials");
    }

    @Test
    void acceptsAValidSignatureOfTheExactBody() {
        WebhookAuthenticator auth = new WebhookAuthenticator("key", false);
        String signature = "sha256=" + WebhookAuthenticator.sign("key".getBytes(StandardCharsets.UTF_8), body);

        assertThat(auth.refusal(false, signature, body)).isNull();
        assertThat(auth.refusal(false, signature.toUpperCase().replace("SHA256=", "sha256="), body)).isNull();
        assertThat(auth.refusal(false, signature, "{}".getBytes())).contains("invalid X-Sluice-Signature");
    }

    @Test
    void refusesEverythingWithoutCredentialsUnlessTold() {
        assertThat(new WebhookAuthenticator("", false).refusal(false, null, body)).contains("missing credentials");
        assertThat(new WebhookAuthenticator("", true).refusal(false, null, body)).isNull();
    }
}
