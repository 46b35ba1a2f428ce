/** Plain-Java evaluation logic: metrics, the McNemar test, release gates and the model registry projection. */
package io.sluice.evaluation.domain;
