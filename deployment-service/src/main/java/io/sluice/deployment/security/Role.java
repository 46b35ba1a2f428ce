package io.sluice.deployment.security;

/** What a token may do: viewers read, writers also pause and resume, admins also promote and roll back. */
public enum Role {
    VIEWER, WRITER, ADMIN;

    /** The Spring Security authority of the role. */
    public String authority() {
        return "ROLE_" + name();
    }
}
