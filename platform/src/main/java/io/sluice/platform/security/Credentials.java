package io.sluice.platform.security;

import java.util.List;
import java.util.Optional;

/**
 * The one check of who a caller is and whether an {@link Access} lets them in, shared by the HTTP filter chain and any
 * other entrance of a service (a gRPC server): a presented credential is an API key, a console session or one a
 * {@link CredentialVerifier} accepts; a declared access is open, or needs a caller whose role includes its role.
 */
public final class Credentials {

    /** What a check decided. */
    public enum Decision {
        /** Let in. */
        ALLOWED,
        /** No caller, or a credential that proves none: 401 / UNAUTHENTICATED. */
        UNAUTHENTICATED,
        /** A caller whose role is too low: 403 / PERMISSION_DENIED. */
        DENIED
    }

    private final ApiKeys keys;
    private final SessionTokens sessions;
    private final List<CredentialVerifier> verifiers;
    private final boolean publicReads;

    public Credentials(ApiKeys keys, SessionTokens sessions, List<CredentialVerifier> verifiers, boolean publicReads) {
        this.keys = keys;
        this.sessions = sessions;
        this.verifiers = List.copyOf(verifiers);
        this.publicReads = publicReads;
    }

    /** The caller a presented credential (a key, a session or a verifier's token) proves; empty when it proves none. */
    public Optional<Caller> authenticate(String presented) {
        return authenticate(presented, true);
    }

    Optional<Caller> authenticate(String presented, boolean withVerifiers) {
        if (presented == null || presented.isBlank()) {
            return Optional.empty();
        }
        Optional<Caller> caller = SessionTokens.isSession(presented) ? sessions.verify(presented) : keys.authenticate(presented);
        for (int i = 0; caller.isEmpty() && withVerifiers && i < verifiers.size(); i++) {
            caller = verifiers.get(i).verify(presented);
        }
        return caller;
    }

    /**
     * Whether an access is open to anyone here: {@link Access#PUBLIC}; {@link Access#READ} with public reads;
     * {@link Access#CLIENT} while no client key is configured. {@link Access#WEBHOOK}'s proof is an HTTP matter and is not
     * seen here.
     */
    public boolean open(Access access) {
        return switch (access) {
            case PUBLIC -> true;
            case READ -> publicReads;
            case CLIENT -> !keys.hasClientKeys();
            case WEBHOOK, WRITER, ADMIN -> false;
        };
    }

    /** Whether a caller (null: anonymous) may use something declared with {@code access}. */
    public Decision decide(Access access, Caller caller) {
        if (open(access)) {
            return Decision.ALLOWED;
        }
        if (caller == null) {
            return Decision.UNAUTHENTICATED;
        }
        return caller.role().includes(access.role()) ? Decision.ALLOWED : Decision.DENIED;
    }

    /** What an access needs, in words, for refusals. */
    public static String needs(Access access) {
        return switch (access) {
            case PUBLIC -> "nothing";
            case READ -> "the viewer role";
            case CLIENT -> "an API key";
            case WEBHOOK -> "the webhook credential";
            case WRITER -> "the writer role";
            case ADMIN -> "the admin role";
        };
    }
}
