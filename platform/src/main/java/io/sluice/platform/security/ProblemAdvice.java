package io.sluice.platform.security;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Problem details for what Spring MVC's own problem handling leaves to a 500, before any other advice: a body that went
 * past its limit while a controller read it (413), a multipart body too large (413) or unparseable (400).
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ProblemAdvice {

    /** A multipart body above the container's limits: 413. */
    @ExceptionHandler(org.springframework.web.multipart.MaxUploadSizeExceededException.class)
    ProblemDetail uploadTooLarge(org.springframework.web.multipart.MaxUploadSizeExceededException e) {
        return Problems.of(HttpStatus.CONTENT_TOO_LARGE, "the multipart body is larger than allowed", null);
    }

    /** A multipart body that cannot be parsed (no boundary, cut short): 400, not the 500 Spring would answer. */
    @ExceptionHandler(org.springframework.web.multipart.MultipartException.class)
    ProblemDetail badMultipart(org.springframework.web.multipart.MultipartException e) {
        return Problems.of(HttpStatus.BAD_REQUEST, "malformed multipart body: "
                + (e.getMostSpecificCause().getMessage() == null ? "unreadable" : e.getMostSpecificCause().getMessage()), null);
    }

    @ExceptionHandler(RequestTooLargeException.class)
    ProblemDetail tooLarge(RequestTooLargeException e) {
        return Problems.of(HttpStatus.CONTENT_TOO_LARGE, e.getMessage(), null);
    }
}
