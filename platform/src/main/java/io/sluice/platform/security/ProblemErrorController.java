package io.sluice.platform.security;

import java.io.IOException;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The error page of every service ({@code /error}, where the servlet container sends what no controller answered: a
 * request the firewall refused, a {@code sendError}, an exception past every advice) as an RFC 9457 problem detail in
 * place of Spring Boot's own JSON, whatever the {@code Accept} header says. A 5xx never shows the exception.
 */
@RestController
@RequestMapping("${server.error.path:${error.path:/error}}")
public class ProblemErrorController implements ErrorController {

    @RequestMapping
    void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpStatus status = HttpStatus.resolve(request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code
                ? code : 500);
        if (status == null || !status.isError()) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
        }
        Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        String detail = status.is5xxServerError() || !(message instanceof String text) || text.isBlank()
                ? status.getReasonPhrase() : clip(text);
        ProblemDetail problem = Problems.of(status, detail, null);
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        problem.setInstance(java.net.URI.create(Problems.safePath(uri instanceof String path ? path : request.getRequestURI())));
        Problems.write(response, problem);
    }

    private static String clip(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
