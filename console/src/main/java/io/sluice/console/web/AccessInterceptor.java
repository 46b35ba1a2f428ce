package io.sluice.console.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.HandlerInterceptor;

/** Lets a request into {@code /api} only with the role it needs: viewer to read, writer to predict, admin to steer releases. */
final class AccessInterceptor implements HandlerInterceptor {

    private final Sessions sessions;

    AccessInterceptor(Sessions sessions) {
        this.sessions = sessions;
    }

    static Role required(String method, String path) {
        if (path.startsWith("/api/session")) {
            return Role.NONE;
        }
        if ("POST".equals(method) && path.startsWith("/api/deployments/")) {
            return Role.ADMIN;
        }
        if ("POST".equals(method) && path.startsWith("/api/predict/")) {
            return Role.WRITER;
        }
        return Role.VIEWER;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws Exception {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        Role required = required(request.getMethod(), path);
        Role role = sessions.roleOf(request);
        if (role.atLeast(required)) {
            request.setAttribute(Role.class.getName(), role);
            return true;
        }
        response.setStatus(role == Role.NONE ? HttpServletResponse.SC_UNAUTHORIZED : HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/json");
        response.getWriter().write("{\"message\":\"" + (role == Role.NONE ? "sign in" : "signed in as " + role.name().toLowerCase())
                + "; this needs the " + required.name().toLowerCase() + " role\"}");
        return false;
    }
}
