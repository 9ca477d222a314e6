package dev.lockstep.device.nd4j;

import dev.lockstep.device.Device;
import dev.lockstep.device.conformance.DeviceConformanceTests;

/** The shared op conformance suite on device cuda, wherever it is usable (see {@link Cuda}). */
class CudaConformanceTest extends DeviceConformanceTests {
    @Override
    protected Device device() {
        return Cuda.device();
    }
}
