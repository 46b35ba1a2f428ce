/** The Google Vertex AI training backend: CustomJobs submitted, polled and cancelled through google-cloud-aiplatform. */
package io.sluice.training.vertex;
