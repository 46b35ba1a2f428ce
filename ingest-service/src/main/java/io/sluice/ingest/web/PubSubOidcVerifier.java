package io.sluice.ingest.web;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.sluice.platform.security.Caller;
import io.sluice.platform.security.CredentialVerifier;
import io.sluice.platform.security.Role;

/**
 * Verifies the OIDC token Pub/Sub push sends ({@code Authorization: Bearer <JWT>}) as Google documents it: an RS256
 * signature by one of Google's keys (a JWKS configured here — the document {@code https://www.googleapis.com/oauth2/v3/certs}
 * serves, fetched out of band since nothing is fetched at run time), the issuer ({@code https://accounts.google.com}),
 * the audience the subscription was created with, the expiry, and optionally the push service account's verified
 * email. A valid token makes the caller a webhook ({@code pubsub:<email>}).
 */
public final class PubSubOidcVerifier implements CredentialVerifier {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Base64.Decoder B64 = Base64.getUrlDecoder();
    private static final Duration SKEW = Duration.ofMinutes(1);

    private final Map<String, PublicKey> keys;
    private final String audience;
    private final List<String> issuers;
    private final String email;
    private final Clock clock;

    /**
     * @param jwks     Google's JWKS document (JSON, inline or a file path)
     * @param audience the audience the push subscription was created with
     * @param issuers  accepted issuers
     * @param email    the push service account whose tokens are accepted; blank: any
     */
    public PubSubOidcVerifier(String jwks, String audience, List<String> issuers, String email, Clock clock) {
        this.keys = parseJwks(jwks);
        this.audience = audience;
        this.issuers = List.copyOf(issuers);
        this.email = email == null ? "" : email.strip();
        this.clock = clock;
    }

    @Override
    public Optional<Caller> verify(String credential) {
        try {
            String[] parts = credential.split("\\.", -1);
            if (parts.length != 3) {
                return Optional.empty();
            }
            JsonNode header = JSON.readTree(B64.decode(parts[0]));
            PublicKey key = keys.get(header.path("kid").asString(""));
            if (!"RS256".equals(header.path("alg").asString("")) || key == null) {
                return Optional.empty();
            }
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(B64.decode(parts[2]))) {
                return Optional.empty();
            }
            JsonNode claims = JSON.readTree(B64.decode(parts[1]));
            long now = clock.instant().getEpochSecond();
            boolean audienceMatches = claims.path("aud").isArray()
                    ? claims.path("aud").valueStream().anyMatch(a -> audience.equals(a.asString("")))
                    : audience.equals(claims.path("aud").asString(""));
            if (!issuers.contains(claims.path("iss").asString("")) || !audienceMatches || !claims.path("exp").canConvertToLong()
                    || claims.path("exp").asLong() + SKEW.toSeconds() < now || claims.path("iat").asLong(0) - SKEW.toSeconds() > now) {
                return Optional.empty();
            }
            String who = claims.path("email").asString("");
            if (!email.isEmpty() && !(email.equals(who) && claims.path("email_verified").asBoolean(false))) {
                return Optional.empty();
            }
            return Optional.of(new Caller("pubsub:" + (who.matches("[A-Za-z0-9._@-]{1,56}") ? who : "google"), Role.WEBHOOK, null));
        } catch (GeneralSecurityException | IllegalArgumentException | tools.jackson.core.JacksonException e) {
            return Optional.empty(); // not a JWT, bad base64, not JSON, a key that does not fit: simply not this credential
        }
    }

    /** Whether a credential looks like a JWT at all (three base64url parts). */
    public static boolean looksLikeJwt(String credential) {
        return credential != null && credential.startsWith("eyJ") && credential.chars().filter(c -> c == '.').count() == 2;
    }

    static Map<String, PublicKey> parseJwks(String jwks) {
        try {
            String text = jwks.strip().startsWith("{") ? jwks : Files.readString(Path.of(jwks.strip()), StandardCharsets.UTF_8);
            Map<String, PublicKey> keys = new HashMap<>();
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            for (JsonNode key : JSON.readTree(text).path("keys")) {
                if ("RSA".equals(key.path("kty").asString(""))) {
                    keys.put(key.path("kid").asString(""), rsa.generatePublic(new RSAPublicKeySpec(
                            new BigInteger(1, B64.decode(key.path("n").asString(""))), new BigInteger(1, B64.decode(key.path("e").asString(""))))));
                }
            }
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("no RSA keys");
            }
            return Map.copyOf(keys);
        } catch (java.io.IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("sluice.ingest.webhooks.pubsub-jwks is not a JWKS document or file: " + e.getMessage(), e);
        }
    }
}
