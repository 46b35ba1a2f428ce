package io.sluice.platform.security;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import tools.jackson.databind.json.JsonMapper;

/**
 * Writes RFC 9457 problem details ({@code application/problem+json}) where no controller runs: security's refusals
 * (401, 403, 429) and the body limit (413). Same fields as Spring MVC's {@link ProblemDetail}: {@code type},
 * {@code title}, {@code status}, {@code detail}, {@code instance} — plus {@code error}, the same text as {@code detail}: the
 * field the Open Inference Protocol (KServe v2) gives its errors, so v2 clients read every refusal of every service.
 */
public final class Problems {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Problems() {}

    /** A problem detail for a status and a message (also as {@code error}), with the request path as {@code instance}. */
    public static ProblemDetail of(HttpStatus status, String detail, HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        if (detail != null) {
            problem.setProperty("error", detail);
        }
        if (request != null) {
            problem.setInstance(java.net.URI.create(safePath(request.getRequestURI())));
        }
        return problem;
    }

    /** Writes the problem unless the response is already committed. */
    public static void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(problem.getStatus());
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.getType() == null ? "about:blank" : problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        if (problem.getInstance() != null) {
            body.put("instance", problem.getInstance().toString());
        }
        if (problem.getProperties() != null) {
            problem.getProperties().forEach(body::putIfAbsent);
        }
        response.getWriter().write(JSON.writeValueAsString(body));
        response.flushBuffer();
    }

    /** Writes a problem for a status and message. */
    public static void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
            throws IOException {
        write(response, of(status, detail, request));
    }

    /** A path as a valid URI reference: characters outside printable ASCII (and a few more) percent-encoded. */
    static String safePath(String path) {
        if (path == null) {
            return "/";
        }
        StringBuilder out = new StringBuilder(path.length());
        for (char c : path.toCharArray()) {
            if (c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '\\' && c != '^' && c != '`' && c != '{'
                    && c != '|' && c != '}') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", (int) c & 0xff));
            }
        }
        try {
            return java.net.URI.create(out.toString()).toString();
        } catch (IllegalArgumentException e) {
            return "/";
        }
    }
}
