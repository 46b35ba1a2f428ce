package io.sluice.training.domain.tuning;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.sluice.training.domain.TrainingRequest;

/**
 * The durable record of one search, written when it is accepted, after every finished trial and when it ends; a
 * restarted search skips the trials recorded here (their events were published) and publishes its winner once.
 *
 * @param searchId   {@code <model>-tune-<first 12 hex of the requesting event's id>}
 * @param request    model and dataset version searched on
 * @param space      what it tries
 * @param state      QUEUED, RUNNING, COMPLETED or FAILED
 * @param acceptedAt when it was accepted
 * @param updatedAt  last change
 * @param trials     finished trials, in the order they finished
 * @param winner     the winning trial id once the winner is published, else null
 * @param detail     why it failed, or null
 * @param externalJobId the cloud tuning job the search was submitted as (a restart re-attaches to it), or null for local trials
 */
public record SearchRecord(String searchId, TrainingRequest request, SearchSpace space, State state, Instant acceptedAt, Instant updatedAt,
                           List<TrialResult> trials, String winner, String detail, String externalJobId) {

    /** Where a search stands. */
    public enum State {
        QUEUED, RUNNING, COMPLETED, FAILED;

        public boolean finished() {
            return this == COMPLETED || this == FAILED;
        }
    }

    public SearchRecord {
        trials = List.copyOf(trials);
    }

    public SearchRecord withTrial(TrialResult trial, Instant now) {
        List<TrialResult> more = new ArrayList<>(trials);
        more.add(trial);
        return new SearchRecord(searchId, request, space, State.RUNNING, acceptedAt, now, more, winner, detail, externalJobId);
    }

    public SearchRecord with(State newState, Instant now, String newWinner, String newDetail) {
        return new SearchRecord(searchId, request, space, newState, acceptedAt, now, trials, newWinner, newDetail, externalJobId);
    }

    public SearchRecord withExternalJob(String jobId, Instant now) {
        return new SearchRecord(searchId, request, space, state, acceptedAt, now, trials, winner, detail, jobId);
    }

    /** The best trial that trained at least one epoch. */
    public Optional<TrialResult> best() {
        return trials.stream().filter(t -> t.outcome() != TrialResult.Outcome.FAILED)
                .reduce((a, b) -> b.beats(a) ? b : a);
    }

    public boolean finishedTrial(int index) {
        return trials.stream().anyMatch(t -> t.index() == index);
    }
}
