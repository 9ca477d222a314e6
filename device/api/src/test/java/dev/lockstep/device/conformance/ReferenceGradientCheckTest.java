package dev.lockstep.device.conformance;

import dev.lockstep.device.Device;

/**
 * The numeric test of autodiff: gradient graphs and finite differences both evaluated by the
 * reference interpreter, so a failure points at a VJP rule, not at an executor.
 */
class ReferenceGradientCheckTest extends GradientCheckTests {
    private final Device device = new ReferenceDevice();

    @Override
    protected Device device() {
        return device;
    }
}
