/** The dataset manifest: the contract between ingest (which writes it) and training and evaluation (which read it). */
package io.sluice.platform.datasets;
