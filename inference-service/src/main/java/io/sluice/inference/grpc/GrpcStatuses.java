package io.sluice.inference.grpc;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.inference.domain.InvalidInputException;
import io.sluice.inference.domain.TooLargeException;
import io.sluice.inference.domain.UnavailableException;
import io.sluice.inference.domain.UnknownModelException;
import io.sluice.platform.security.LogSafe;

/**
 * The REST API's error mapping in gRPC's codes: the caller's input → {@code INVALID_ARGUMENT} (400); more inputs than a
 * queue can ever take or a tensor over the value limit → {@code RESOURCE_EXHAUSTED} (413, as gRPC's own refusal of an
 * oversized message; not retryable: split it); unknown model or version → {@code NOT_FOUND} (404); a version not ready,
 * a full queue or a shed request → {@code UNAVAILABLE} (503) with {@code retry-after} seconds in the trailers; only a
 * failure of the model itself → {@code INTERNAL} (500).
 */
final class GrpcStatuses {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcStatuses.class);
    static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);

    private GrpcStatuses() {}

    static StatusRuntimeException of(RuntimeException failure) {
        if (failure instanceof StatusRuntimeException status) {
            return status;
        }
        if (failure instanceof TooLargeException e) {
            return Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException();
        }
        if (failure instanceof InvalidInputException e) {
            return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
        if (failure instanceof UnknownModelException e) {
            return Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException();
        }
        if (failure instanceof UnavailableException e) {
            Metadata trailers = new Metadata();
            trailers.put(RETRY_AFTER, String.valueOf(Math.max(1, e.retryAfter().toSeconds())));
            return Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException(trailers);
        }
        LOG.error("gRPC call failed", failure);
        return Status.INTERNAL.withDescription("the model failed to answer: " + LogSafe.text(firstLine(failure.getMessage())))
                .asRuntimeException();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
