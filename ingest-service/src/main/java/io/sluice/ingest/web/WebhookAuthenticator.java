package io.sluice.ingest.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Checks a webhook request's shared token or HMAC-SHA256 signature in constant time. */
public final class WebhookAuthenticator {

    /** Header carrying the shared token. */
    public static final String TOKEN_HEADER = "X-Sluice-Token";
    /** Header carrying {@code sha256=<hex HMAC-SHA256 of the body>}. */
    public static final String SIGNATURE_HEADER = "X-Sluice-Signature";

    private final byte[] token;
    private final byte[] secret;
    private final boolean allowUnauthenticated;

    public WebhookAuthenticator(String token, String hmacSecret, boolean allowUnauthenticated) {
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
        this.secret = hmacSecret == null || hmacSecret.isEmpty() ? null : hmacSecret.getBytes(StandardCharsets.UTF_8);
        this.allowUnauthenticated = allowUnauthenticated;
    }

    /** Null when the request may pass, else why not (without revealing any secret). */
    public String refusal(String presentedToken, String signature, byte[] body) {
        if (token == null && secret == null) {
            return allowUnauthenticated ? null
                    : "webhook authentication is not configured: set sluice.ingest.webhooks.token (env SLUICE_ADMIN_TOKEN) or hmac-secret";
        }
        if (token != null && presentedToken != null
                && MessageDigest.isEqual(token, presentedToken.getBytes(StandardCharsets.UTF_8))) {
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
        if (presentedToken != null) {
            return "invalid token";
        }
        return "missing credentials: send " + TOKEN_HEADER + (secret != null ? " or " + SIGNATURE_HEADER : "");
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
