package dev.lockstep.device.nd4j;

import dev.lockstep.device.Device;
import dev.lockstep.device.conformance.GradientCheckTests;

/** Autodiff against central finite differences, both run on device cpu. */
class CpuGradientCheckTest extends GradientCheckTests {
    @Override
    protected Device device() {
        return Cpu.DEVICE;
    }
}
