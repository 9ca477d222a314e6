package dev.lockstep.device.nd4j;

import dev.lockstep.device.Device;
import dev.lockstep.device.conformance.GradientCheckTests;

/** Autodiff against central finite differences on device cuda, wherever it is usable (see {@link Cuda}). */
class CudaGradientCheckTest extends GradientCheckTests {
    @Override
    protected Device device() {
        return Cuda.device();
    }
}
