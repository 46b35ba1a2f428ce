package io.sluice.training.modelarts;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Huawei Cloud API Gateway AK/SK request signing ({@code SDK-HMAC-SHA256}), as the Huawei Cloud SDKs'
 * {@code AKSKSigner} does it: canonical request = method, path with every segment URL-encoded and a
 * trailing slash, query sorted by encoded name, the signed headers as {@code name:value} lines
 * (lower-case names, trimmed values, sorted), their names joined by {@code ;}, and the hex SHA-256 of
 * the body; string to sign = {@code SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex SHA-256 of the canonical request>};
 * signature = hex HMAC-SHA256 of that with the secret key. The secret key never leaves this object.
 */
public final class AkSkSigner {

    /** The scheme name in the {@code Authorization} header and the string to sign. */
    public static final String ALGORITHM = "SDK-HMAC-SHA256";
    /** Header carrying the signing time, {@code yyyyMMdd'T'HHmmss'Z'} in UTC. */
    public static final String DATE_HEADER = "X-Sdk-Date";

    private static final DateTimeFormatter SDK_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final String accessKey;
    private final byte[] secretKey;

    public AkSkSigner(String accessKey, String secretKey) {
        if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
            throw new IllegalArgumentException("AK/SK signing needs both an access key and a secret key");
        }
        this.accessKey = accessKey;
        this.secretKey = secretKey.getBytes(StandardCharsets.UTF_8);
    }

    /** The {@code X-Sdk-Date} value for a signing time. */
    public static String sdkDate(Instant time) {
        return SDK_DATE.format(time);
    }

    /**
     * The {@code Authorization} header value for a request.
     *
     * @param method  HTTP method
     * @param uri     full request URI (its path and query are signed; the host comes from {@code headers})
     * @param headers the headers to sign, by name (any case); must hold {@code Host} and {@code X-Sdk-Date}
     * @param body    request body, empty for none
     */
    public String authorization(String method, URI uri, Map<String, String> headers, byte[] body) {
        Map<String, String> signed = new TreeMap<>();
        headers.forEach((name, value) -> signed.put(name.toLowerCase(Locale.ROOT), value.trim()));
        String date = signed.get(DATE_HEADER.toLowerCase(Locale.ROOT));
        if (date == null || !signed.containsKey("host")) {
            throw new IllegalArgumentException("the signed headers must include Host and " + DATE_HEADER);
        }
        String signedHeaders = String.join(";", signed.keySet());
        String stringToSign = ALGORITHM + "\n" + date + "\n" + hex(sha256(canonicalRequest(method, uri, signed, body)));
        return ALGORITHM + " Access=" + accessKey + ", SignedHeaders=" + signedHeaders + ", Signature=" + hex(hmac(stringToSign));
    }

    /** The canonical request that is hashed into the string to sign (exposed for diagnostics and tests). */
    static String canonicalRequest(String method, URI uri, Map<String, String> signedHeaders, byte[] body) {
        StringBuilder headerLines = new StringBuilder();
        signedHeaders.forEach((name, value) -> headerLines.append(name).append(':').append(value).append('\n'));
        return String.join("\n", method.toUpperCase(Locale.ROOT), canonicalPath(uri.getRawPath()), canonicalQuery(uri.getRawQuery()),
                headerLines.toString(), String.join(";", signedHeaders.keySet()), hex(sha256(body)));
    }

    private static String canonicalPath(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.equals("/")) {
            return "/";
        }
        StringBuilder path = new StringBuilder();
        for (String segment : rawPath.split("/")) { // the leading "" yields the leading slash; a trailing "" is dropped
            path.append(encode(decode(segment))).append('/');
        }
        return path.toString();
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        TreeMap<String, List<String>> sorted = new TreeMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = encode(decode(equals < 0 ? pair : pair.substring(0, equals)));
            String value = equals < 0 ? "" : encode(decode(pair.substring(equals + 1)));
            sorted.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        List<String> parts = new ArrayList<>();
        sorted.forEach((name, values) -> values.forEach(value -> parts.add(name + "=" + value)));
        return String.join("&", parts);
    }

    /** RFC 3986 percent-encoding: everything but {@code A-Z a-z 0-9 - _ . ~} (space as %20). */
    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static String decode(String value) {
        return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static byte[] sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes == null ? new byte[0] : bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private byte[] hmac(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secretKey, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public String toString() {
        return "AkSkSigner[access=" + accessKey + ", secret=***]";
    }
}
