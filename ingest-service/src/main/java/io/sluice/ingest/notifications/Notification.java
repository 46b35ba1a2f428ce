package io.sluice.ingest.notifications;

import java.util.List;

import io.sluice.ingest.domain.ObjectEvent;

/**
 * A parsed notification: the object events it carries, or a subscription handshake (SMN).
 *
 * @param events       object events, possibly none
 * @param confirmation an SMN subscription confirmation to answer, else null
 */
public record Notification(List<ObjectEvent> events, SubscriptionConfirmation confirmation) {

    /**
     * SMN asks the endpoint to confirm its subscription by visiting a URL.
     *
     * @param topicUrn     the topic subscribed to
     * @param subscribeUrl the URL to visit (holds a token: never log it)
     */
    public record SubscriptionConfirmation(String topicUrn, String subscribeUrl) {}

    public static Notification of(List<ObjectEvent> events) {
        return new Notification(List.copyOf(events), null);
    }
}
