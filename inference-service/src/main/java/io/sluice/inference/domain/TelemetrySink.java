package io.sluice.inference.domain;

/** Where telemetry goes (port); implementations must never block the caller, dropping rather than waiting. */
public interface TelemetrySink {

    void record(Served served);
}
