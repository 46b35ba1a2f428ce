package io.sluice.deployment.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Turns a bearer token into an operator with its role; tokens are compared as SHA-256 digests in constant time and only a
 * digest prefix ever names the operator, so no token reaches logs or events.
 */
public final class TokenAuthenticationProvider implements AuthenticationProvider {

    private final Map<String, Role> roleByDigest = new LinkedHashMap<>();

    /** @param tokens token → role; blank tokens are ignored */
    public TokenAuthenticationProvider(Map<String, Role> tokens) {
        tokens.forEach((token, role) -> {
            if (token != null && !token.isBlank() && role != null) {
                roleByDigest.merge(digest(token), role, (a, b) -> a.compareTo(b) >= 0 ? a : b);
            }
        });
    }

    /** Whether any token is configured. */
    public boolean hasTokens() {
        return !roleByDigest.isEmpty();
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String token = String.valueOf(authentication.getCredentials());
        byte[] presented = HexFormat.of().parseHex(digest(token));
        Role role = null;
        String name = null;
        for (Map.Entry<String, Role> entry : roleByDigest.entrySet()) { // every entry, so timing does not tell which one
            if (MessageDigest.isEqual(presented, HexFormat.of().parseHex(entry.getKey()))) {
                role = entry.getValue();
                name = role.name().toLowerCase() + "#" + entry.getKey().substring(0, 8);
            }
        }
        if (role == null) {
            throw new BadCredentialsException("unknown bearer token");
        }
        UsernamePasswordAuthenticationToken result = UsernamePasswordAuthenticationToken.authenticated(name, null,
                List.of(new SimpleGrantedAuthority(role.authority())));
        result.setDetails(authentication.getDetails());
        return result;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return BearerToken.class.isAssignableFrom(authentication);
    }

    static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
