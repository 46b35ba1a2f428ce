package io.sluice.training.domain;

/**
 * A request to train one model on one dataset version.
 *
 * @param modelName      model to produce a version of
 * @param datasetName    dataset name
 * @param datasetVersion dataset version (hex SHA-256)
 * @param manifestUri    the dataset manifest in the training bucket
 * @param trigger        why: DATASET_READY, DRIFT, ACCURACY_DROP, OPERATOR, SCHEDULE
 * @param correlationId  the pipeline run the outcome events belong to
 * @param causeEventId   eventId of the event that asked for it (redeliveries carry the same id)
 */
public record TrainingRequest(String modelName, String datasetName, String datasetVersion, String manifestUri, String trigger,
                              String correlationId, String causeEventId) {}
