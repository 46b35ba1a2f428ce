package io.sluice.training.domain;

import java.time.Instant;

/**
 * The durable record of one run, written before it is scheduled and on every state change.
 *
 * @param runId        {@code <model>-<first 12 hex of dataset version>-<attempt>}
 * @param request      what was asked
 * @param attempt      1 for the first run of (model, dataset version), then 2, 3 … for explicit retraining
 * @param modelVersion version the run writes (fixed at acceptance, so a redone run overwrites, never duplicates)
 * @param state        current state
 * @param acceptedAt   when it was accepted
 * @param updatedAt    last state change
 * @param detail       failure reason, or null
 * @param supersededBy run that replaced this one, or null
 * @param externalJobId cloud job the run was submitted as (so a restarted service re-attaches instead of submitting again), or null
 */
public record RunRecord(String runId, TrainingRequest request, int attempt, String modelVersion, RunState state, Instant acceptedAt,
                        Instant updatedAt, String detail, String supersededBy, String externalJobId) {

    public RunRecord with(RunState newState, Instant now, String newDetail, String newSupersededBy) {
        return new RunRecord(runId, request, attempt, modelVersion, newState, acceptedAt, now, newDetail, newSupersededBy, externalJobId);
    }

    public RunRecord withExternalJob(String jobId, Instant now) {
        return new RunRecord(runId, request, attempt, modelVersion, state, acceptedAt, now, detail, supersededBy, jobId);
    }

    /** The idempotency key: one run per (model name, dataset version) unless retraining is asked explicitly. */
    public String key() {
        return request.modelName() + "@" + request.datasetVersion();
    }
}
