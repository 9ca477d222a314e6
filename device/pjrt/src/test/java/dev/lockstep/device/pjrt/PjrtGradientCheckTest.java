package dev.lockstep.device.pjrt;

import dev.lockstep.device.Device;
import dev.lockstep.device.conformance.GradientCheckTests;

/** Autodiff's backward graphs compiled and run through the PJRT C API, against finite differences. */
class PjrtGradientCheckTest extends GradientCheckTests {
    @Override
    protected Device device() {
        return TestDevices.shared();
    }
}
