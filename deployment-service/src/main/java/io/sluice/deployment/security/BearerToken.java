package io.sluice.deployment.security;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/** A bearer token as presented, not yet authenticated; its {@link #toString()} never shows the token. */
final class BearerToken extends AbstractAuthenticationToken {

    private final String token;

    BearerToken(String token) {
        super(List.of());
        this.token = token;
        setAuthenticated(false);
    }

    @Override
    public Object getCredentials() {
        return token;
    }

    @Override
    public Object getPrincipal() {
        return "bearer";
    }

    @Override
    public String toString() {
        return "BearerToken[****]";
    }
}
