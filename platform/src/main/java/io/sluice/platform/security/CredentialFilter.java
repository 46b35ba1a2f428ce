package io.sluice.platform.security;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a request from its credential: {@code Authorization: Bearer <key or session>}, {@code X-API-Key},
 * (legacy, webhook routes only) {@code ?token=}, else the console's session cookie. A header credential that is not
 * valid is a 401 at once; an expired cookie, like no credential, leaves the request anonymous for the route rules.
 */
final class CredentialFilter extends OncePerRequestFilter {

    private final Credentials credentials;
    private final boolean queryToken;
    private final Predicate<HttpServletRequest> webhookRoute;

    CredentialFilter(Credentials credentials, boolean queryToken, Predicate<HttpServletRequest> webhookRoute) {
        this.credentials = credentials;
        this.queryToken = queryToken;
        this.webhookRoute = webhookRoute;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String presented = presented(request);
        boolean fromCookie = false;
        if (presented == null) {
            presented = sessionCookie(request);
            fromCookie = presented != null;
        }
        if (presented != null) {
            // a verifier (e.g. a Pub/Sub push's OIDC token) is never asked about a cookie
            Optional<Caller> caller = credentials.authenticate(presented, !fromCookie);
            if (caller.isEmpty() && fromCookie) {
                chain.doFilter(request, response); // an expired session cookie: anonymous, so the user can sign in again
                return;
            }
            if (caller.isEmpty()) {
                response.setHeader("WWW-Authenticate", "Bearer");
                Problems.write(request, response, HttpStatus.UNAUTHORIZED, SessionTokens.isSession(presented)
                        ? "the session is not valid or has expired; sign in again" : "the API key is not valid");
                return;
            }
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(authentication(caller.get()));
            SecurityContextHolder.setContext(context);
        }
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    static UsernamePasswordAuthenticationToken authentication(Caller caller) {
        List<SimpleGrantedAuthority> authorities = caller.role().included().stream()
                .map(role -> new SimpleGrantedAuthority(role.authority())).toList();
        return UsernamePasswordAuthenticationToken.authenticated(caller, null, authorities);
    }

    private static String sessionCookie(HttpServletRequest request) {
        if (request.getCookies() != null) {
            for (Cookie cookie : request.getCookies()) {
                if (SessionTokens.COOKIE.equals(cookie.getName()) && SessionTokens.isSession(cookie.getValue())) {
                    return cookie.getValue();
                }
            }
        }
        return null;
    }

    private String presented(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        String key = request.getHeader("X-API-Key");
        if (key != null && !key.isBlank()) {
            return key.strip();
        }
        if (queryToken && webhookRoute.test(request)) {
            String token = request.getParameter("token");
            return token == null || token.isBlank() ? null : token;
        }
        return null;
    }
}
