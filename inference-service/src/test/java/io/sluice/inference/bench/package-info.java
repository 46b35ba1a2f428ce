/** Benchmark harness (a main, not a test): service throughput and latency against the raw DJL predictor. */
package io.sluice.inference.bench;
