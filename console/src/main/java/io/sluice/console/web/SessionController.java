package io.sluice.console.web;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.sluice.console.ConsoleProperties;
import io.sluice.platform.security.ApiKeys;
import io.sluice.platform.security.Caller;
import io.sluice.platform.security.Problems;
import io.sluice.platform.security.SecurityProperties;
import io.sluice.platform.security.SessionTokens;

/**
 * Sign-in and sign-out: an API key in, a signed stateless session out, in an HttpOnly SameSite=Strict cookie (the key
 * never stays in the browser; no session is kept on the server, so any console replica accepts it).
 */
@RestController
@RequestMapping("/api/session")
class SessionController {

    private final ApiKeys keys;
    private final SessionTokens sessions;
    private final Duration ttl;
    private final boolean publicReads;

    SessionController(ApiKeys keys, SessionTokens sessions, ConsoleProperties console, SecurityProperties security) {
        this.keys = keys;
        this.sessions = sessions;
        this.ttl = console.sessionTtl();
        this.publicReads = security.publicReads();
    }

    /** The caller's role ({@code NONE} when reads are not public and nobody signed in) and name. */
    @GetMapping
    Map<String, Object> current(Authentication authentication) {
        Optional<Caller> caller = caller(authentication);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("role", caller.map(c -> c.role().name()).orElse(publicReads ? "VIEWER" : "NONE"));
        body.put("name", caller.map(Caller::name).orElse(null));
        body.put("signedIn", caller.isPresent());
        return body;
    }

    /** Body {@code {"token": "<API key>"}}; 401 when it is not a key. */
    @PostMapping
    ResponseEntity<?> signIn(@RequestBody(required = false) Map<String, String> body) {
        if (!sessions.enabled()) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Problems.of(HttpStatus.SERVICE_UNAVAILABLE,
                    "sign-in is off: set sluice.security.session-secret (SLUICE_SESSION_SECRET) or an admin token", null));
        }
        Optional<Caller> caller = keys.authenticate(body == null ? null : body.get("token"));
        if (caller.isEmpty()) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Problems.of(HttpStatus.UNAUTHORIZED, "unknown key", null));
        }
        ResponseCookie cookie = ResponseCookie.from(SessionTokens.COOKIE, sessions.issue(caller.get(), ttl, null)).httpOnly(true)
                .sameSite("Strict").path("/").maxAge(ttl).build();
        return ResponseEntity.ok().header(HttpHeaders.SET_COOKIE, cookie.toString())
                .body(Map.of("role", caller.get().role().name(), "name", caller.get().name()));
    }

    @DeleteMapping
    ResponseEntity<Map<String, Object>> signOut() {
        ResponseCookie cookie = ResponseCookie.from(SessionTokens.COOKIE, "").httpOnly(true).sameSite("Strict").path("/").maxAge(0).build();
        return ResponseEntity.ok().header(HttpHeaders.SET_COOKIE, cookie.toString()).body(Map.of("signedOut", true));
    }

    static Optional<Caller> caller(Authentication authentication) {
        return authentication != null && authentication.getPrincipal() instanceof Caller caller ? Optional.of(caller) : Optional.empty();
    }
}
