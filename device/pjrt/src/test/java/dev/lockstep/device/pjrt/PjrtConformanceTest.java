package dev.lockstep.device.pjrt;

import dev.lockstep.device.Device;
import dev.lockstep.device.conformance.DeviceConformanceTests;

/** The op conformance suite through the PJRT C API, on the test plugin (XLA CPU under TensorFlow's XlaCallModule). */
class PjrtConformanceTest extends DeviceConformanceTests {
    @Override
    protected Device device() {
        return TestDevices.shared();
    }
}
