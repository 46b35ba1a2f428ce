/** Canary analysis and drift detection as plain Java: mergeable aggregates, sequential tests and verdicts. */
package io.sluice.monitoring.domain;
