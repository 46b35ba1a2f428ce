package io.sluice.platform.security;

/** What a route needs, as declared in a service's {@link RouteRoles}. */
public enum Access {
    /** Anyone (health probes, metrics, the console's page and sign-in). */
    PUBLIC,
    /** A viewer, or anyone when {@code sluice.security.public-reads=true}. */
    READ,
    /** An API key ({@code client} role or above) when any client key is configured; anyone otherwise (the local stack). */
    CLIENT,
    /** The webhook credential: a {@code webhook} key (or admin), or a proof the service checks itself ({@link WebhookProof}). */
    WEBHOOK,
    /** A writer or admin. */
    WRITER,
    /** An admin. */
    ADMIN;

    /** The role a caller needs for this access when it is not open; null for {@link #PUBLIC}. */
    public Role role() {
        return switch (this) {
            case PUBLIC -> null;
            case READ -> Role.VIEWER;
            case CLIENT -> Role.CLIENT;
            case WEBHOOK -> Role.WEBHOOK;
            case WRITER -> Role.WRITER;
            case ADMIN -> Role.ADMIN;
        };
    }
}
