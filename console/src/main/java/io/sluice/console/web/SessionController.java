package io.sluice.console.web;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Sign-in and sign-out: a role's token in, a session cookie out. */
@RestController
@RequestMapping("/api/session")
class SessionController {

    private final Sessions sessions;

    SessionController(Sessions sessions) {
        this.sessions = sessions;
    }

    /** The role of the caller. */
    @GetMapping
    Map<String, Object> current(HttpServletRequest request) {
        return Map.of("role", sessions.roleOf(request).name(), "signedIn", sessions.signedIn(request));
    }

    /** Body {@code {"token": "…"}}; 401 when the token is not one of the roles'. */
    @PostMapping
    ResponseEntity<Map<String, Object>> signIn(@RequestBody(required = false) Map<String, String> body) {
        Role role = sessions.roleOf(body == null ? null : body.get("token"));
        if (role == null) {
            return ResponseEntity.status(401).body(Map.of("message", "unknown token"));
        }
        ResponseCookie cookie = ResponseCookie.from(Sessions.COOKIE, sessions.open(role)).httpOnly(true).sameSite("Strict").path("/").build();
        return ResponseEntity.ok().header(HttpHeaders.SET_COOKIE, cookie.toString()).body(Map.of("role", role.name()));
    }

    @DeleteMapping
    ResponseEntity<Map<String, Object>> signOut(HttpServletRequest request) {
        sessions.close(Sessions.sessionId(request));
        ResponseCookie cookie = ResponseCookie.from(Sessions.COOKIE, "").httpOnly(true).path("/").maxAge(0).build();
        return ResponseEntity.ok().header(HttpHeaders.SET_COOKIE, cookie.toString()).body(Map.of("signedOut", true));
    }
}
