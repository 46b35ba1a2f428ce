package io.sluice.inference.domain;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Request ids: the caller's when it is safe to echo and log, else a fresh random one. */
public final class RequestIds {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:#-]{0,127}");

    private RequestIds() {}

    /** Whether an id is 1-128 letters, digits, {@code . _ : # -}, starting with a letter or digit. */
    public static boolean safe(String id) {
        return id != null && SAFE.matcher(id).matches();
    }

    /**
     * The given id, or a fresh one when none is given.
     *
     * @throws InvalidInputException when the given id is not {@link #safe}
     */
    public static String of(String given) {
        if (given == null || given.isBlank()) {
            return fresh();
        }
        if (!safe(given)) {
            throw new InvalidInputException("a request id must be 1-128 letters, digits, . _ : # -");
        }
        return given;
    }

    /**
     * A random (version 4) UUID from the thread's own generator: {@code UUID.randomUUID()} reads the shared SecureRandom
     * under one lock on every request; an id names a request, it guards nothing.
     */
    public static String fresh() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong() & 0xFFFFFFFFFFFF0FFFL | 0x0000000000004000L,
                random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L).toString();
    }
}
