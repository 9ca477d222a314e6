package dev.lockstep.device.nd4j;

import dev.lockstep.device.Device;
import org.junit.jupiter.api.Assumptions;

/**
 * Test helper: the cuda device, opened once, where it is usable (built with {@code -Pcuda} on a machine
 * with an NVIDIA GPU); elsewhere the calling test is skipped with the provider's reason.
 */
final class Cuda {
    private static final CudaDeviceProvider PROVIDER = new CudaDeviceProvider();
    private static Device device;

    private Cuda() {}

    static synchronized Device device() {
        Assumptions.assumeTrue(PROVIDER.isUsable(), () -> "device cuda not usable here, skipping: "
                + PROVIDER.unusableReason());
        if (device == null) {
            device = PROVIDER.open();
        }
        return device;
    }
}
