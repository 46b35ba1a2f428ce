package io.sluice.platform.storage;

/** Settings that cannot name the buckets (see {@link Buckets}); the message says which setting and why. */
public class InvalidBucketSettingException extends IllegalArgumentException {

    public InvalidBucketSettingException(String message) {
        super(message);
    }
}
