package io.sluice.models;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Picks where networks run: the first GPU when the engine sees one, the CPU otherwise. */
public final class Devices {

    private Devices() {}

    /** {@code gpu(0)} when DJL's engine reports a GPU, else {@code cpu()}. */
    public static Device best() {
        return Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }
}
