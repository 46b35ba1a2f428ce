/** Evaluation reports written beside the model: the confusion-matrix PNG and the metrics JSON. */
package io.sluice.evaluation.report;
