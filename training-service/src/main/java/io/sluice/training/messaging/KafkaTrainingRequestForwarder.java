package io.sluice.training.messaging;

import org.apache.avro.specific.SpecificRecord;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Forwards a request for training work (a DatasetReady once per model it trains, a
 * RetrainingRequested) unchanged to the training requests topic ({@value #BINDING}), keyed by model
 * name: dataset and retraining requests of one model reach one partition and so one owner. The send
 * is synchronous: the consumed record is committed only after the forward is on Kafka.
 */
final class KafkaTrainingRequestForwarder {

    static final String BINDING = "trainingRequests-out-0";

    private final StreamBridge bridge;

    KafkaTrainingRequestForwarder(StreamBridge bridge) {
        this.bridge = bridge;
    }

    void forward(String model, SpecificRecord request) {
        if (!bridge.send(BINDING, MessageBuilder.withPayload(request).setHeader(KafkaHeaders.KEY, model).build())) {
            throw new IllegalStateException("could not forward a " + request.getClass().getSimpleName() + " for model " + model);
        }
    }
}
