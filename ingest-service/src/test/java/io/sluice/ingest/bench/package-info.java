/** Benchmark harnesses (run by hand, never as tests). */
package io.sluice.ingest.bench;
