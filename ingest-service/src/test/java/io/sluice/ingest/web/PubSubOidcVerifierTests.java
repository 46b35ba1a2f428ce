package io.sluice.ingest.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import io.sluice.platform.security.Caller;
import io.sluice.platform.security.Role;

/** Pub/Sub push OIDC tokens minted here with a local key, checked as Google documents it. */
class PubSubOidcVerifierTests {

    static final KeyPair GOOGLE = keys();
    static final KeyPair SOMEONE_ELSE = keys();
    static final Instant NOW = Instant.parse("2026-12-04T18:00:00Z");
    static final String AUDIENCE = "https://ingest.example.com/notifications/gcs";
    static final String PUSHER = "push@project.iam.gserviceaccount.com";

    private final PubSubOidcVerifier verifier = new PubSubOidcVerifier(jwks("k1", GOOGLE), AUDIENCE,
            List.of("https://accounts.google.com", "accounts.google.com"), PUSHER, Clock.fixed(NOW, ZoneOffset.UTC));

    static KeyPair keys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String jwks(String kid, KeyPair pair) {
        RSAPublicKey key = (RSAPublicKey) pair.getPublic();
        return "{\"keys\":[{\"kty\":\"RSA\",\"alg\":\"RS256\",\"use\":\"sig\",\"kid\":\"" + kid + "\",\"n\":\""
                + b64(unsigned(key.getModulus().toByteArray())) + "\",\"e\":\"" + b64(key.getPublicExponent().toByteArray()) + "\"}]}";
    }

    static byte[] unsigned(byte[] bytes) {
        return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    static String token(KeyPair signer, String kid, String alg, String claims) throws Exception {
        String signed = b64(("{\"alg\":\"" + alg + "\",\"kid\":\"" + kid + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.UTF_8)) + "."
                + b64(claims.getBytes(StandardCharsets.UTF_8));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(signer.getPrivate());
        rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + b64(rsa.sign());
    }

    static String claims(String iss, String aud, long exp, String email) {
        return "{\"iss\":\"" + iss + "\",\"aud\":\"" + aud + "\",\"iat\":" + (NOW.getEpochSecond() - 10) + ",\"exp\":" + exp
                + ",\"email\":\"" + email + "\",\"email_verified\":true,\"sub\":\"1234\"}";
    }

    private final long inAnHour = NOW.getEpochSecond() + 3600;

    @Test
    void acceptsATokenGoogleSignedForThisAudienceAndAccount() throws Exception {
        String token = token(GOOGLE, "k1", "RS256", claims("https://accounts.google.com", AUDIENCE, inAnHour, PUSHER));
        assertThat(PubSubOidcVerifier.looksLikeJwt(token)).isTrue();
        assertThat(verifier.verify(token)).contains(new Caller("pubsub:" + PUSHER, Role.WEBHOOK, null));
    }

    @Test
    void refusesAnotherAudienceIssuerAccountOrAnExpiredToken() throws Exception {
        assertThat(verifier.verify(token(GOOGLE, "k1", "RS256", claims("https://accounts.google.com", "https://elsewhere", inAnHour, PUSHER))))
                .isEmpty();
        assertThat(verifier.verify(token(GOOGLE, "k1", "RS256", claims("https://evil.example.com", AUDIENCE, inAnHour, PUSHER)))).isEmpty();
        assertThat(verifier.verify(token(GOOGLE, "k1", "RS256", claims("https://accounts.google.com", AUDIENCE, inAnHour, "x@y.z"))))
                .isEmpty();
        assertThat(verifier.verify(token(GOOGLE, "k1", "RS256", claims("https://accounts.google.com", AUDIENCE,
                NOW.getEpochSecond() - 3600, PUSHER)))).isEmpty();
    }

    @Test
    void refusesATokenSignedByAnotherKeyOrWithAnotherAlgorithmOrKeyId() throws Exception {
        String claims = claims("https://accounts.google.com", AUDIENCE, inAnHour, PUSHER);
        assertThat(verifier.verify(token(SOMEONE_ELSE, "k1", "RS256", claims))).isEmpty();
        assertThat(verifier.verify(token(GOOGLE, "k2", "RS256", claims))).isEmpty();
        assertThat(verifier.verify(token(GOOGLE, "k1", "none", claims))).isEmpty();
        String good = token(GOOGLE, "k1", "RS256", claims);
        String tampered = good.substring(0, good.indexOf('.') + 1)
                + b64(claims.replace(PUSHER, "other@project.iam.gserviceaccount.com").getBytes(StandardCharsets.UTF_8))
                + good.substring(good.lastIndexOf('.'));
        assertThat(verifier.verify(tampered)).isEmpty();
    }

    @Property(tries = 1000)
    void neverThrowsOnAnyPresentedText(@ForAll String presented) {
        assertThat(verifier.verify(presented)).isEmpty();
        assertThat(verifier.verify("eyJ" + presented + "." + presented + "." + presented)).isEmpty();
    }
}
