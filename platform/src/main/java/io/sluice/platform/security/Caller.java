package io.sluice.platform.security;

import java.security.Principal;

/**
 * An authenticated caller: the key's name (or the user a console session names) and its role. {@link #getName()} is
 * the actor written to audit records: {@code <role>:<name>}, plus {@code via <service>} when a service forwarded it.
 *
 * @param name who (a key's name, never the key)
 * @param role what it may do
 * @param via  the service that forwarded the caller's session, or null when the caller came directly
 */
public record Caller(String name, Role role, String via) implements Principal {

    @Override
    public String getName() {
        return role.label() + ":" + name + (via == null ? "" : " via " + via);
    }

    @Override
    public String toString() {
        return getName();
    }
}
