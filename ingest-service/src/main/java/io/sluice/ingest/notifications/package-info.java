/** Parsers that normalise each provider's storage notification into one {@link io.sluice.ingest.domain.ObjectEvent}. */
package io.sluice.ingest.notifications;
