/** Kafka records of the {@code sluice.*} topics as operators see them: decoded, filtered, as JSON; shared by the CLI and the web console. */
package io.sluice.console.events;
