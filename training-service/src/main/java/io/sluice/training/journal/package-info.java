/** The run journal in the object store: one JSON object per run under {@code sluice.training.state}{@code runs/}, readable by every replica. */
package io.sluice.training.journal;
