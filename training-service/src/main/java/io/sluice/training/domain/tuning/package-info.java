/** Hyperparameter search: the search space, the successive-halving (ASHA) scheduler and the search that runs trials. */
package io.sluice.training.domain.tuning;
