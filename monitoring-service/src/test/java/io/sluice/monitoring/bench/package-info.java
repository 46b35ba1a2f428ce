/** Offline harnesses: canary detection against a Flagger-style rule, and aggregation throughput. */
package io.sluice.monitoring.bench;
