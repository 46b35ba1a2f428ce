package io.sluice.platform.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a credential may do. Operators: viewers read, writers also pause, resume and predict, admins also promote and roll
 * back ({@code viewer ⊂ writer ⊂ admin}). {@code client} is an API caller of predict and feedback (writers and admins
 * may too); {@code webhook} is a storage provider posting notifications (admins may too).
 */
public enum Role {
    VIEWER, CLIENT, WEBHOOK, WRITER, ADMIN;

    /** The Spring Security authority of the role ({@code ROLE_VIEWER}, …). */
    public String authority() {
        return "ROLE_" + name();
    }

    /** This role and every role it includes. */
    public Set<Role> included() {
        return switch (this) {
            case VIEWER -> EnumSet.of(VIEWER);
            case CLIENT -> EnumSet.of(CLIENT);
            case WEBHOOK -> EnumSet.of(WEBHOOK);
            case WRITER -> EnumSet.of(WRITER, VIEWER, CLIENT);
            case ADMIN -> EnumSet.allOf(Role.class);
        };
    }

    /** Whether this role may do what {@code required} may. */
    public boolean includes(Role required) {
        return included().contains(required);
    }

    /** The role named case-insensitively; {@link IllegalArgumentException} for anything else. */
    public static Role parse(String name) {
        return Role.valueOf(name.strip().toUpperCase(Locale.ROOT));
    }

    /** Lower-case name, as written in key files and actors. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
