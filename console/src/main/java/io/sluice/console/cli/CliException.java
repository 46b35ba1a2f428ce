package io.sluice.console.cli;

/** A failure the user can act on; the CLI prints its message (no stack trace) and exits with 1. */
final class CliException extends RuntimeException {

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
