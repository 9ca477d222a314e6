package dev.lockstep.device.pjrt;

import dev.lockstep.device.Device;
import dev.lockstep.device.DeviceOptions;
import java.nio.file.Path;

/**
 * Opens devices of PJRT plugins: {@code libtpu.so} for TPUs, the CUDA plugin for NVIDIA GPUs, or any other
 * shared library that exports {@code GetPjrtApi}. The {@code pjrt:PATH} device names go through
 * {@link PjrtDeviceProvider}; the CLI opens {@code tpu} and {@code gpu} here after finding their plugins.
 */
public final class Pjrt {
    private Pjrt() {}

    /**
     * Device number {@code index} of a new client of {@code plugin}, created with {@code options} (its
     * PJRT_Client_Create named values), called {@code name} in errors and logs.
     *
     * @throws IllegalArgumentException when the plugin is missing, not a PJRT plugin, of a PJRT C API version
     *     this binding does not speak, or has no device {@code index}
     * @throws PjrtException when the plugin refuses to create the client
     */
    public static Device open(String name, Path plugin, int index, DeviceOptions options, PjrtSettings settings) {
        return PjrtDevice.open(name, plugin, index, options, settings);
    }

    public static Device open(String name, Path plugin, int index, DeviceOptions options) {
        return open(name, plugin, index, options, PjrtSettings.DEFAULTS);
    }
}
