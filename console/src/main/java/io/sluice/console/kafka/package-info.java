/** The console's Kafka adapter: one group-less reader of every {@code sluice.*} topic feeding {@link io.sluice.console.domain.ConsoleState}. */
package io.sluice.console.kafka;
