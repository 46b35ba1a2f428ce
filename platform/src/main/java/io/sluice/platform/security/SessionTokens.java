package io.sluice.platform.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless signed sessions: {@code s1.<base64url(name|role|expiry|via)>.<base64url(HMAC-SHA256)>}. The console issues
 * one when a user signs in (kept in an HttpOnly cookie) and forwards it to the deployment and inference services, which
 * verify it with the same secret, so their audit names the signed-in user and their role checks apply to that user.
 * The secret is {@code sluice.security.session-secret}, or one derived from the admin token (the local stack gives
 * every service the same one); without either, sessions are off.
 */
public final class SessionTokens {

    /** The cookie a browser's session travels in (HttpOnly, SameSite=Strict). */
    public static final String COOKIE = "sluice_session";
    static final String PREFIX = "s1.";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final byte[] secret;
    private final Clock clock;

    /** @param secret signing secret; null or blank turns sessions off */
    public SessionTokens(String secret, Clock clock) {
        this.secret = secret == null || secret.isBlank() ? null : secret.strip().getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    /** The secret a service uses: the configured one, else one derived from the admin token, else none. */
    public static String secret(String configured, String adminToken) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        if (adminToken == null || adminToken.isBlank()) {
            return null;
        }
        return ENCODER.encodeToString(hmac(adminToken.strip().getBytes(StandardCharsets.UTF_8), "sluice-session-v1"));
    }

    /** Whether sessions can be issued and verified. */
    public boolean enabled() {
        return secret != null;
    }

    /** Whether a presented credential looks like a session (rather than an API key). */
    public static boolean isSession(String presented) {
        return presented != null && presented.startsWith(PREFIX);
    }

    /**
     * A session for a caller, valid for {@code ttl}.
     *
     * @param via the service that issues it for forwarding (null for a browser's sign-in)
     */
    public String issue(Caller caller, Duration ttl, String via) {
        if (secret == null) {
            throw new IllegalStateException("sessions are off: set sluice.security.session-secret");
        }
        long expiry = clock.instant().plus(ttl).getEpochSecond();
        String payload = caller.name() + "|" + caller.role().label() + "|" + expiry + "|" + (via == null ? "" : via);
        String body = ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return PREFIX + body + "." + ENCODER.encodeToString(hmac(secret, body));
    }

    /** The caller of a valid, unexpired session; empty for anything else (never an exception). */
    public Optional<Caller> verify(String token) {
        if (secret == null || !isSession(token)) {
            return Optional.empty();
        }
        String[] parts = token.substring(PREFIX.length()).split("\\.", -1);
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            byte[] signature = DECODER.decode(parts[1]);
            if (!MessageDigest.isEqual(signature, hmac(secret, parts[0]))) {
                return Optional.empty();
            }
            String[] fields = new String(DECODER.decode(parts[0]), StandardCharsets.UTF_8).split("\\|", -1);
            if (fields.length != 4 || !NAME.matcher(fields[0]).matches()
                    || Long.parseLong(fields[2]) < clock.instant().getEpochSecond()) {
                return Optional.empty();
            }
            return Optional.of(new Caller(fields[0], Role.parse(fields[1]), fields[3].isEmpty() ? null : fields[3]));
        } catch (IllegalArgumentException malformed) { // bad base64, number or role
            return Optional.empty();
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
