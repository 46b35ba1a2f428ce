package io.sluice.platform.security;

import java.util.Optional;

/**
 * A credential another party signs that a service accepts besides API keys and sessions — a Pub/Sub push's OIDC
 * token, for instance. A bearer credential that no key, session or verifier accepts is a 401.
 */
@FunctionalInterface
public interface CredentialVerifier {

    /** The caller the credential proves, or empty; never throws for malformed input. */
    Optional<Caller> verify(String credential);
}
