package dev.lockstep.device.pjrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.device.Device;
import dev.lockstep.device.DeviceOptions;
import dev.lockstep.device.Devices;
import dev.lockstep.device.pjrt.testplugin.TestPlugin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugins the binding must refuse, and what it says: both versions, the missing symbol, the plugin's own words. */
class PluginCompatibilityTest {
    @Test
    void aPluginOfAnotherMajorVersionIsRefusedNamingBothVersions() {
        Path plugin = TestPlugin.variant("major1", "-DTEST_API_MAJOR=1", "-DTEST_API_MINOR=2");
        var e = assertThrows(IllegalArgumentException.class, () -> Pjrt.open("pjrt:x", plugin, 0, DeviceOptions.NONE));
        assertTrue(e.getMessage().contains("implements PJRT C API 1.2"), e.getMessage());
        assertTrue(e.getMessage().contains("speaks PJRT C API " + Abi.MAJOR + "." + Abi.MIN_MINOR + " to "
                + Abi.MAJOR + "." + Abi.MINOR), e.getMessage());
        assertTrue(e.getMessage().contains(plugin.toString()), e.getMessage());
    }

    @Test
    void aPluginOlderThanTheOldestSupportedMinorVersionIsRefused() {
        Path plugin = TestPlugin.variant("minor40", "-DTEST_API_MINOR=40");
        var e = assertThrows(IllegalArgumentException.class, () -> Pjrt.open("pjrt:x", plugin, 0, DeviceOptions.NONE));
        assertTrue(e.getMessage().contains("implements PJRT C API 0.40"), e.getMessage());
    }

    @Test
    void aPluginWhoseApiTableEndsBeforeTheSlotsTheBindingCallsIsRefusedWithBothSizes() {
        Path plugin = TestPlugin.variant("short_table", "-DTEST_API_SLOTS=30");
        var e = assertThrows(IllegalArgumentException.class, () -> Pjrt.open("pjrt:x", plugin, 0, DeviceOptions.NONE));
        assertTrue(e.getMessage().contains("is " + (40 + 30 * 8) + " bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("end at byte " + Abi.requiredApiSize()), e.getMessage());
    }

    @Test
    void aLibraryWithoutGetPjrtApiIsNotAPlugin() {
        Path plugin = TestPlugin.variant("no_symbol", "-DGetPjrtApi=LockstepNotGetPjrtApi");
        var e = assertThrows(IllegalArgumentException.class, () -> Pjrt.open("pjrt:x", plugin, 0, DeviceOptions.NONE));
        assertTrue(e.getMessage().contains("does not export GetPjrtApi"), e.getMessage());
    }

    @Test
    void aMissingOrUnloadableFileIsNamed(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nothing.so");
        var e = assertThrows(IllegalArgumentException.class, () -> Devices.open("pjrt:" + missing));
        assertTrue(e.getMessage().contains(missing + " does not exist"), e.getMessage());
        Path text = Files.writeString(dir.resolve("text.so"), "not a shared library");
        var e2 = assertThrows(IllegalArgumentException.class, () -> Pjrt.open("pjrt:x", text, 0, DeviceOptions.NONE));
        assertTrue(e2.getMessage().contains("cannot load PJRT plugin " + text), e2.getMessage());
    }

    /** A newer plugin that expects larger argument structs refuses them itself; its message comes through. */
    @Test
    void aNewerPluginsStructSizeRefusalCarriesItsOwnMessage() {
        Path plugin = TestPlugin.variant("bigger_structs", "-DTEST_STRUCT_SLACK=8");
        var e = assertThrows(PjrtException.class, () -> Pjrt.open("pjrt:x", plugin, 0, DeviceOptions.NONE));
        assertEquals("INVALID_ARGUMENT", e.code());
        assertTrue(e.pluginMessage().startsWith("Unexpected PluginInitializeArgs size: expected 24, got 16"),
                e.pluginMessage());
        assertTrue(e.getMessage().contains("PJRT_Plugin_Initialize"), e.getMessage());
    }

    @Test
    void aClientOptionThePluginRejectsIsAPjrtExceptionWithItsCodeAndMessage() {
        var e = assertThrows(PjrtException.class, () -> TestDevices.open(Map.of("no_such_option", 3L)));
        assertEquals("INVALID_ARGUMENT", e.code());
        assertTrue(e.pluginMessage().contains("unknown client option 'no_such_option'"), e.pluginMessage());
        assertTrue(e.getMessage().contains("PJRT_Client_Create"), e.getMessage());
        var wrongType = assertThrows(PjrtException.class, () -> TestDevices.open(Map.of("devices", "four")));
        assertTrue(wrongType.pluginMessage().contains("'devices' must be an int64"), wrongType.pluginMessage());
    }

    @Test
    void theIndexPicksOneDeviceOfAMultiDeviceClientAndAMissingOneListsThem() {
        var options = new DeviceOptions(Map.of("devices", 4L));
        try (Device d = Pjrt.open("pjrt:x:2", TestDevices.plugin(), 2, options)) {
            assertTrue(((PjrtDevice) d).description().startsWith("TestCpuDevice(id=2)"), ((PjrtDevice) d).description());
            assertEquals(2, ((PjrtDevice) d).deviceId());
            var b = new dev.lockstep.graph.GraphBuilder();
            var x = b.input("x", dev.lockstep.tensor.DType.F32, 3);
            var out = TestDevices.run(d, b.buildTensors(java.util.List.of(x.mul(x))),
                    dev.lockstep.tensor.HostTensor.ofFloats(new float[] {1, 2, 3}, 3));
            org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {1, 4, 9}, out.getFirst().floats());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Pjrt.open("tpu:7", TestDevices.plugin(), 7, options));
        assertTrue(e.getMessage().contains("has 4 addressable devices"), e.getMessage());
        assertTrue(e.getMessage().contains("3: TestCpuDevice(id=3) [lockstep-test-cpu]"), e.getMessage());
        assertTrue(e.getMessage().contains("no device 7"), e.getMessage());
    }

    @Test
    void deviceNamesParse() {
        assertEquals(new PjrtDeviceName(Path.of("/opt/libtpu.so"), 0), PjrtDeviceName.parse("pjrt:/opt/libtpu.so"));
        assertEquals(new PjrtDeviceName(Path.of("/opt/libtpu.so"), 3), PjrtDeviceName.parse("pjrt:/opt/libtpu.so:3"));
        assertEquals(new PjrtDeviceName(Path.of("a:b.so"), 0), PjrtDeviceName.parse("pjrt:a:b.so"));
        var e = assertThrows(IllegalArgumentException.class, () -> PjrtDeviceName.parse("pjrt:"));
        assertTrue(e.getMessage().contains("pjrt:/path/to/plugin.so"), e.getMessage());
        assertEquals("PJRT plugin /no/such.so does not exist or is not a file",
                new PjrtDeviceProvider().problem("pjrt:/no/such.so"));
        assertEquals("", new PjrtDeviceProvider().problem("pjrt:" + TestDevices.plugin()));
    }
}
