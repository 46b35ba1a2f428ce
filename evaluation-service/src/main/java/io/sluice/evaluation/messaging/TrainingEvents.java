package io.sluice.evaluation.messaging;

import java.util.function.Consumer;

import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;

import io.sluice.events.TrainingCompleted;

/** The sluice.training consumer: hands each TrainingCompleted (with its partition) to the runner and ignores the topic's other events. */
public final class TrainingEvents implements Consumer<Message<SpecificRecord>> {

    private final EvaluationRunner runner;

    public TrainingEvents(EvaluationRunner runner) {
        this.runner = runner;
    }

    @Override
    public void accept(Message<SpecificRecord> message) {
        if (message.getPayload() instanceof TrainingCompleted completed) {
            Integer partition = message.getHeaders().get(KafkaHeaders.RECEIVED_PARTITION, Integer.class);
            runner.submit(completed, partition == null ? -1 : partition);
        }
    }
}
