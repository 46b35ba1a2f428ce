package io.sluice.ingest.notifications;

/** A notification that cannot be understood; the message says why (it goes into the 400 answer or the dead letter). */
public class MalformedNotificationException extends RuntimeException {

    public MalformedNotificationException(String reason) {
        super(reason);
    }

    public MalformedNotificationException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
