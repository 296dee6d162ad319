package dev.weaktr.cli;

import ai.djl.Device;
import dev.weaktr.nn.Devices;
import picocli.CommandLine.Option;

/** The {@code --device cpu|gpu} flag shared by every command that runs a network. */
public final class DeviceOption {
    @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu (gpu needs the CUDA build: mvn -Pcuda package). Default: ${DEFAULT-VALUE}")
    String device;

    Device resolve() {
        return Devices.parse(device);
    }
}
