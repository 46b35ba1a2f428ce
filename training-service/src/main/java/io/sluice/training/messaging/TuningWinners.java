package io.sluice.training.messaging;

import java.util.List;

import org.apache.avro.specific.SpecificRecord;

import io.sluice.events.TuningCompleted;
import io.sluice.events.codec.EventCodec;
import io.sluice.platform.events.FollowedState;
import io.sluice.platform.events.TopicFollower;
import io.sluice.platform.kafka.KafkaClients;
import io.sluice.training.domain.tuning.TunedParameters;

/**
 * The best parameters per model on every replica, derived from the {@code TuningCompleted} events of the training topic
 * (replayed from the beginning on every start, then followed: platform's {@link TopicFollower}), so a winner survives
 * restarts and reaches whichever replica trains the model next. Readiness waits for the first replay.
 */
public final class TuningWinners implements FollowedState, TopicFollower.Listener {

    private final TunedParameters tuned;
    private final TopicFollower follower;

    public TuningWinners(TunedParameters tuned, EventCodec codec, KafkaClients clients, String trainingTopic) {
        this.tuned = tuned;
        this.follower = new TopicFollower("training-service-tuning-winners", clients, codec, List.of(trainingTopic), this);
    }

    @Override
    public void onEvent(String topic, String key, SpecificRecord event) {
        if (event instanceof TuningCompleted completed && completed.getBestTrialId() != null) {
            tuned.offer(completed.getModelName(), completed.getSearchId(), completed.getBestParameters(),
                    completed.getHeader().getOccurredAt());
        }
    }

    @Override
    public String name() {
        return "tuningWinners";
    }

    @Override
    public TopicFollower follower() {
        return follower;
    }
}
