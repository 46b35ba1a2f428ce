package io.sluice.inference.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;


import io.sluice.inference.domain.InvalidInputException;
import io.sluice.inference.domain.TooLargeException;
import io.sluice.inference.domain.UnavailableException;
import io.sluice.inference.domain.UnknownModelException;
import io.sluice.platform.security.LogSafe;
import io.sluice.platform.security.Problems;

/**
 * Maps failures to RFC 9457 problem details ({@code application/problem+json}: {@code type}, {@code title},
 * {@code status}, {@code detail}, {@code instance}), each also carrying the KServe v2 {@code error} field with the
 * same text: bad input is a 4xx naming what is wrong (400; 413 for a request with more inputs than a queue can ever
 * take), an unknown model 404, a full queue, a shed request or a version not ready 503 with {@code Retry-After}; only
 * a failure of the model itself is a 500. Ordered before Spring MVC's own problem handler so these texts win; a body
 * over the limit is platform's (413).
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    @ExceptionHandler(TooLargeException.class)
    ResponseEntity<ProblemDetail> tooManyInputs(TooLargeException e) {
        return error(HttpStatus.CONTENT_TOO_LARGE, e.getMessage());
    }

    @ExceptionHandler(InvalidInputException.class)
    ResponseEntity<ProblemDetail> invalid(InvalidInputException e) {
        return error(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(UnknownModelException.class)
    ResponseEntity<ProblemDetail> unknown(UnknownModelException e) {
        return error(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler(UnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(UnavailableException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header("Retry-After", String.valueOf(Math.max(1, e.retryAfter().toSeconds())))
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage()));
    }

    @ExceptionHandler({HttpMessageNotReadableException.class, MissingServletRequestPartException.class,
            MissingRequestHeaderException.class})
    ResponseEntity<ProblemDetail> unreadable(Exception e) {
        return error(HttpStatus.BAD_REQUEST, "malformed request: " + firstLine(e.getMessage()));
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<ProblemDetail> tooLarge(MaxUploadSizeExceededException e) {
        return error(HttpStatus.CONTENT_TOO_LARGE, "the request is larger than the limit");
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> multipart(MultipartException e) {
        return error(HttpStatus.BAD_REQUEST, "malformed multipart request: " + firstLine(e.getMessage()));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e) {
        return error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, firstLine(e.getMessage()));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e) {
        return error(HttpStatus.METHOD_NOT_ALLOWED, firstLine(e.getMessage()));
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> notFound(NoResourceFoundException e) {
        return error(HttpStatus.NOT_FOUND, "no such endpoint");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> failed(Exception e) {
        if (e instanceof ErrorResponse response) { // Spring MVC's own 4xx (405, 406, validation …) keep their status
            ProblemDetail body = response.getBody();
            body.setProperty("error", body.getDetail());
            return ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders()).body(body);
        }
        LOG.error("request failed", e);
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "the model failed to answer: " + LogSafe.text(firstLine(e.getMessage())));
    }

    private static ResponseEntity<ProblemDetail> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).body(problem(status, message));
    }

    private static ProblemDetail problem(HttpStatus status, String message) {
        return Problems.of(status, message == null ? status.getReasonPhrase() : message, null); // with KServe's error field
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
