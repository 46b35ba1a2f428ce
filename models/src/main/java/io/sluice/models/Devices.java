package io.sluice.models;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.cuda.CudaUtils;

/**
 * Where networks run, from the one device setting every service uses ({@code sluice.inference.device},
 * {@code sluice.training.device}): {@code auto} (the first GPU when DJL's engine sees one, else the CPU), {@code cpu},
 * {@code gpu} (the first GPU) or {@code gpu:N}. A GPU that is asked for and absent is an error, never a silent CPU.
 */
public final class Devices {

    /** The accepted settings, for {@code @Pattern} on the services' properties. */
    public static final String SETTING = "auto|cpu|gpu|gpu:\\d{1,3}";
    /** What {@link #SETTING} means, as a validation message. */
    public static final String SETTING_MESSAGE = "must be auto, cpu, gpu or gpu:N (N the GPU's index)";

    private static final Pattern PARSED = Pattern.compile("auto|cpu|gpu(?::(\\d{1,3}))?");

    private Devices() {}

    /** {@code gpu(0)} when DJL's engine reports a GPU, else {@code cpu()} (the setting {@code auto}). */
    public static Device best() {
        return resolve("auto");
    }

    /**
     * The device a setting names on this machine.
     *
     * @throws IllegalArgumentException when the setting is not {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}
     * @throws IllegalStateException    when it names a GPU that DJL's engine does not see here
     */
    public static Device resolve(String setting) {
        return resolve(setting, Engine.getInstance().getGpuCount());
    }

    /** {@link #resolve(String)} against a given number of GPUs. */
    static Device resolve(String setting, int gpus) {
        Matcher matcher = PARSED.matcher(setting == null ? "" : setting.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("device '" + setting + "' " + SETTING_MESSAGE);
        }
        String value = matcher.group();
        if (value.equals("auto")) {
            return gpus > 0 ? Device.gpu(0) : Device.cpu();
        }
        if (value.equals("cpu")) {
            return Device.cpu();
        }
        int index = matcher.group(1) == null ? 0 : Integer.parseInt(matcher.group(1));
        if (index >= gpus) {
            throw new IllegalStateException("device '" + value + "' asks for GPU " + index + " but DJL's engine sees "
                    + (gpus == 0 ? "no GPU on this machine (CUDA natives and a driver are needed; use auto or cpu to run on the CPU)"
                    : gpus + " GPU(s): gpu:0 to gpu:" + (gpus - 1)));
        }
        return Device.gpu(index);
    }

    /**
     * After a model on {@code device} was closed: on a GPU, returns the memory PyTorch's caching allocator kept for reuse to
     * the device, so an unloaded version's memory is free for other models and processes; nothing on the CPU.
     */
    public static void release(Device device) {
        if (device.isGpu()) {
            JniUtils.emptyCudaCache();
        }
    }

    /** The GPU's memory in use by every process, in bytes (what {@code nvidia-smi} shows). */
    public static long gpuMemoryUsed(Device gpu) {
        return CudaUtils.getGpuMemory(gpu).getUsed();
    }

    /** Whether DJL's engine sees a GPU here (GPU-only tests run only then). */
    public static boolean gpuPresent() {
        return Engine.getInstance().getGpuCount() > 0;
    }
}
