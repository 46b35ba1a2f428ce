/** The model registry's Kafka side: restores the compacted registry state, replays training, evaluation, deployment and registry-command topics into the projection, writes the state back, publishes operators' registry commands. */
package io.sluice.evaluation.registry;
