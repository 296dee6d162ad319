package dev.weaktr.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.weaktr.WeaktrException;

/** Maps the {@code --device cpu|gpu} flag to a DJL device. */
public final class Devices {
    private Devices() {}

    public static Device parse(String name) {
        return switch (name) {
            case "cpu" -> Device.cpu();
            case "gpu", "cuda" -> {
                if (Engine.getInstance().getGpuCount() == 0) {
                    throw new WeaktrException("--device gpu: no CUDA GPU is visible to libtorch; build with "
                            + "'mvn -Pcuda package' (CUDA 12.4 natives) on a machine with an NVIDIA driver, or use --device cpu");
                }
                yield Device.gpu();
            }
            default -> throw new WeaktrException("unknown --device '" + name + "'; expected cpu or gpu");
        };
    }
}
