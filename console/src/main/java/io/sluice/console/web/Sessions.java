package io.sluice.console.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Sign-in with a role's token: the token is exchanged once for a random session id kept in an
 * HttpOnly cookie (tokens never sit in the browser); API clients may send
 * {@code Authorization: Bearer <token>} instead. Sessions live in memory.
 */
public final class Sessions {

    static final String COOKIE = "sluice_session";
    private static final int MAX_SESSIONS = 10_000;

    private final Map<Role, String> tokens;
    private final Role anonymous;
    private final Map<String, Role> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /**
     * @param tokens    the token of each role that can sign in (blank tokens are ignored)
     * @param anonymous the role of a request that carries no session or token
     */
    public Sessions(Map<Role, String> tokens, Role anonymous) {
        Map<Role, String> usable = new java.util.EnumMap<>(Role.class);
        tokens.forEach((role, token) -> {
            if (token != null && !token.isBlank()) {
                usable.put(role, token.strip());
            }
        });
        this.tokens = usable;
        this.anonymous = anonymous;
    }

    /** The role a token signs in as, or null; compares in constant time. */
    public Role roleOf(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        byte[] given = token.strip().getBytes(StandardCharsets.UTF_8);
        Role found = null;
        for (Role role : new Role[] {Role.ADMIN, Role.WRITER, Role.VIEWER}) {
            String expected = tokens.get(role);
            if (expected != null && MessageDigest.isEqual(given, expected.getBytes(StandardCharsets.UTF_8)) && found == null) {
                found = role;
            }
        }
        return found;
    }

    /** Opens a session for a role; returns its id. */
    public String open(Role role) {
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.clear(); // a flood of sign-ins: everyone signs in again
        }
        byte[] id = new byte[24];
        random.nextBytes(id);
        String session = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        sessions.put(session, role);
        return session;
    }

    public void close(String session) {
        if (session != null) {
            sessions.remove(session);
        }
    }

    /** The role of a request: its bearer token, else its session cookie, else the anonymous role. */
    public Role roleOf(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Role role = roleOf(authorization.substring(7));
            return role == null ? Role.NONE : role;
        }
        String session = sessionId(request);
        Role role = session == null ? null : sessions.get(session);
        return role == null ? anonymous : role;
    }

    static String sessionId(HttpServletRequest request) {
        if (request.getCookies() == null) {
            return null;
        }
        for (Cookie cookie : request.getCookies()) {
            if (COOKIE.equals(cookie.getName())) {
                return cookie.getValue();
            }
        }
        return null;
    }

    /** Whether the request carries an open session (signed in through the page). */
    public boolean signedIn(HttpServletRequest request) {
        String session = sessionId(request);
        return session != null && sessions.containsKey(session);
    }

    /** Whether any token can sign in as admin. */
    public boolean adminConfigured() {
        return tokens.containsKey(Role.ADMIN);
    }
}
