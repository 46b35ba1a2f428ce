package io.sluice.inference.domain;

/** Whose outcome a request was, as telemetry reports it; only {@link #SERVER_ERROR} counts against a version. */
public enum Outcome {
    /** Answered. */
    OK,
    /** The caller's fault: malformed, oversized, non-finite or out-of-range input (4xx). */
    CLIENT_ERROR,
    /** The model or server failed: an exception or timeout in loading or the forward pass (5xx). */
    SERVER_ERROR,
    /** A capacity refusal: queue full, shed because the queue wait passed its bound, or the version not ready (503). */
    REJECTED
}
