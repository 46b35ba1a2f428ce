package io.sluice.training.domain;

import java.util.Optional;

/**
 * Everything a backend needs to run one training run.
 *
 * @param runId        run id
 * @param request      what to train
 * @param modelVersion version to write
 * @param settings     resolved settings for the model
 * @param production   current production model (warm-start candidate), if any
 * @param externalJobId cloud job this run was already submitted as before a restart, or null
 */
public record TrainingJob(String runId, TrainingRequest request, String modelVersion, ModelSettings settings,
                          Optional<ProductionModels.ProductionModel> production, String externalJobId) {}
