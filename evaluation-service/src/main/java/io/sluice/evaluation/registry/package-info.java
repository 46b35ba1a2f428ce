/** The model registry's Kafka side: replays training, evaluation and deployment topics into the registry projection. */
package io.sluice.evaluation.registry;
