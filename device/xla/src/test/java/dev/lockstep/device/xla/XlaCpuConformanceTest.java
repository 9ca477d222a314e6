package dev.lockstep.device.xla;

import dev.lockstep.device.Device;
import dev.lockstep.device.conformance.DeviceConformanceTests;

/** The op conformance suite on xla-cpu: the real XLA compiler checks every lowering against the reference. */
class XlaCpuConformanceTest extends DeviceConformanceTests {
    @Override
    protected Device device() {
        return XlaCpu.device();
    }
}
