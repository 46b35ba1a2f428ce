/** The evaluation-service: decides whether a trained model version may be released and keeps the model registry. */
package io.sluice.evaluation;
