package io.sluice.platform.security;

import java.util.List;

/**
 * Keys a service is given in plain by a setting of its own (an older setting such as inference's
 * {@code sluice.inference.api-keys} or ingest's {@code sluice.ingest.webhooks.token}): hashed on start and accepted
 * like the entries of {@code sluice.security.keys}, so there is still one key check. Prefer hashed entries.
 */
@FunctionalInterface
public interface PlainKeys {

    /** The keys, each with its name and role; blank keys are ignored. */
    List<ApiKeys.PlainKey> keys();
}
