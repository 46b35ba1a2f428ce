/** Reads the drift reference (training-data summary) out of a version's model card in the models bucket. */
package io.sluice.monitoring.cards;
