package io.sluice.platform.storage;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Object keys are data from outside (notifications, uploads), never trusted as paths: a key is
 * relative, '/'-separated, without empty, '.' or '..' segments, NUL, backslashes or control
 * characters, and at most 1024 bytes (the S3/GCS limit).
 */
public final class ObjectKeys {

    private ObjectKeys() {}

    /** Returns the key when it is safe, throws {@link InvalidObjectKeyException} otherwise. */
    public static String requireSafe(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidObjectKeyException(key, "empty");
        }
        if (key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 1024) {
            throw new InvalidObjectKeyException(key, "longer than 1024 bytes");
        }
        if (key.startsWith("/")) {
            throw new InvalidObjectKeyException(key, "absolute keys are not allowed");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '\0') {
                throw new InvalidObjectKeyException(key, "contains NUL");
            }
            if (c == '\\') {
                throw new InvalidObjectKeyException(key, "contains a backslash");
            }
            if (Character.isISOControl(c)) {
                throw new InvalidObjectKeyException(key, "contains a control character");
            }
        }
        String body = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
        for (String segment : body.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new InvalidObjectKeyException(key, "segment '" + segment + "' is not allowed");
            }
        }
        return key;
    }

    /**
     * The object URI for a key under a bucket or prefix URI (which must end with '/'). The key is
     * checked with {@link #requireSafe}, then percent-encoded where URIs need it.
     */
    public static URI resolve(URI prefix, String key) {
        requireSafe(key);
        String base = prefix.toString();
        if (!base.endsWith("/")) {
            throw new IllegalArgumentException("prefix must end with '/': " + prefix);
        }
        try {
            URI relative = new URI(null, null, key, null);
            return URI.create(base + relative.getRawPath());
        } catch (URISyntaxException e) {
            throw new InvalidObjectKeyException(key, e.getMessage());
        }
    }

    /** The key of an object relative to a prefix (decoded), or throws when it is not under it. */
    public static String relativize(URI prefix, URI object) {
        if (!java.util.Objects.equals(prefix.getScheme(), object.getScheme())
                || !java.util.Objects.equals(prefix.getAuthority(), object.getAuthority())) {
            throw new InvalidObjectKeyException(object.toString(), "not in the bucket of " + prefix);
        }
        String base = prefix.normalize().getPath();
        String path = object.normalize().getPath();
        if (base == null || path == null || !path.startsWith(base.endsWith("/") ? base : base + "/")) {
            throw new InvalidObjectKeyException(object.toString(), "not under " + prefix);
        }
        return path.substring(base.endsWith("/") ? base.length() : base.length() + 1);
    }
}
