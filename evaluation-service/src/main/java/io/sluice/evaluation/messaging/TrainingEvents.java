package io.sluice.evaluation.messaging;

import java.util.function.Consumer;

import org.apache.avro.specific.SpecificRecord;

import io.sluice.events.TrainingCompleted;

/** The sluice.training consumer: hands each TrainingCompleted to the runner and ignores the topic's other events. */
public final class TrainingEvents implements Consumer<SpecificRecord> {

    private final EvaluationRunner runner;

    public TrainingEvents(EvaluationRunner runner) {
        this.runner = runner;
    }

    @Override
    public void accept(SpecificRecord event) {
        if (event instanceof TrainingCompleted completed) {
            runner.submit(completed);
        }
    }
}
