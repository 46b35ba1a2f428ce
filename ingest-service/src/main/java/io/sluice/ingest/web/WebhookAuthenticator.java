package io.sluice.ingest.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook credentials that need the body: an HMAC-SHA256 signature of it ({@value #SIGNATURE_HEADER}), checked in
 * constant time. Webhook keys ({@code Authorization: Bearer}, role {@code webhook}) are platform's security's.
 */
public final class WebhookAuthenticator {

    /** Header carrying {@code sha256=<hex HMAC-SHA256 of the body>}. */
    public static final String SIGNATURE_HEADER = "X-Sluice-Signature";

    private final byte[] secret;
    private final boolean allowUnauthenticated;

    public WebhookAuthenticator(String hmacSecret, boolean allowUnauthenticated) {
        this.secret = hmacSecret == null || hmacSecret.isEmpty() ? null : hmacSecret.getBytes(StandardCharsets.UTF_8);
        this.allowUnauthenticated = allowUnauthenticated;
    }

    /** Whether a signature can be checked at all. */
    public boolean signsBodies() {
        return secret != null;
    }

    /** Whether requests without any credential are let in (tests and closed networks only). */
    public boolean allowsUnauthenticated() {
        return allowUnauthenticated;
    }

    /**
     * Null when the request may pass, else why not (without revealing any secret).
     *
     * @param keyHolder whether security authenticated the caller with a webhook key (or admin)
     */
    public String refusal(boolean keyHolder, String signature, byte[] body) {
        if (keyHolder) {
            return null;
        }
        if (secret != null && signature != null) {
            String hex = signature.toLowerCase(Locale.ROOT).startsWith("sha256=") ? signature.substring(7) : signature;
            if (MessageDigest.isEqual(sign(secret, body).getBytes(StandardCharsets.US_ASCII),
                    hex.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
                return null;
            }
            return "invalid " + SIGNATURE_HEADER;
        }
        if (allowUnauthenticated) {
            return null;
        }
        return "missing credentials: send a webhook key (Authorization: Bearer)" + (secret != null ? " or " + SIGNATURE_HEADER : "");
    }

    /** Hex HMAC-SHA256 of a body. */
    public static String sign(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
