package dev.lockstep.device.xla;

import dev.lockstep.device.Device;
import dev.lockstep.device.conformance.GradientCheckTests;

/** Autodiff's backward graphs lowered to StableHLO and run by XLA, against finite differences. */
class XlaCpuGradientCheckTest extends GradientCheckTests {
    @Override
    protected Device device() {
        return XlaCpu.device();
    }
}
