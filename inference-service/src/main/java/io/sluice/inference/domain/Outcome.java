package io.sluice.inference.domain;

/** How a request ended, as telemetry reports it. */
public enum Outcome {
    /** Answered. */
    OK,
    /** The caller's input was malformed (4xx). */
    CLIENT_ERROR,
    /** The model failed (5xx). */
    SERVER_ERROR,
    /** Refused by back-pressure or because the version was not ready. */
    REJECTED
}
