/** Benchmark harnesses (main classes, not tests): rollback latency against an embedded broker. */
package io.sluice.deployment.bench;
