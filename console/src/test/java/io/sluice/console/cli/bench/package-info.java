/** Benchmark harnesses of the command line (run with exec:java, test classpath); not tests. */
package io.sluice.console.cli.bench;
