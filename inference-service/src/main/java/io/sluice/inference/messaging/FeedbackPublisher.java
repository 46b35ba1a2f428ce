package io.sluice.inference.messaging;

import org.springframework.stereotype.Component;

import io.sluice.events.PredictionFeedback;
import io.sluice.inference.domain.HostedVersion;
import io.sluice.inference.domain.ModelHost;
import io.sluice.platform.events.EventHeaders;

/**
 * Publishes the true label of an earlier request as {@link PredictionFeedback} keyed by model name (the route's model; the
 * request id is in the value), without waiting for the broker: keyed like {@code PredictionServed}, so a model's predictions
 * and labels reach the same monitoring replica.
 */
@Component
public class FeedbackPublisher {

    /** The output binding of {@code sluice.feedback}. */
    public static final String BINDING = "feedbackEvents-out-0";

    private final EventOutbox outbox;
    private final EventHeaders headers;
    private final ModelHost host;

    public FeedbackPublisher(EventOutbox outbox, EventHeaders headers, ModelHost host) {
        this.outbox = outbox;
        this.headers = headers;
        this.host = host;
    }

    /** False when the outbox is full. */
    public boolean publish(String model, String requestId, String trueLabel) {
        String correlation = host.versions(model).stream().filter(v -> v.info() != null && v.route().role().answers())
                .map(HostedVersion::info).map(info -> info.lineage()).findFirst().orElse(model);
        return outbox.offer(BINDING, model, PredictionFeedback.newBuilder()
                .setHeader(headers.start(correlation))
                .setRequestId(requestId)
                .setModelName(model)
                .setTrueLabel(trueLabel)
                .build());
    }
}
