package dev.lockstep.device.nd4j;

import dev.lockstep.device.Device;
import dev.lockstep.device.conformance.DeviceConformanceTests;

/** The shared op conformance suite on device cpu. */
class CpuConformanceTest extends DeviceConformanceTests {
    @Override
    protected Device device() {
        return Cpu.DEVICE;
    }
}
