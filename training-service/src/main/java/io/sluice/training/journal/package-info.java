/** The run journal on local disk: one JSON file per run under {@code ${sluice.data-dir}/training/runs/}. */
package io.sluice.training.journal;
