/** Routing, batching, model hosting and telemetry decisions of the inference-service, in plain Java. */
package io.sluice.inference.domain;
