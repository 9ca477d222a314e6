package dev.lockstep.device.pjrt;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.DeviceOptions;
import dev.lockstep.device.Devices;
import dev.lockstep.device.Executable;
import dev.lockstep.device.pjrt.testplugin.TestPlugin;
import dev.lockstep.graph.Graph;
import dev.lockstep.tensor.HostTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test helper: the test plugin, one shared device of it per JVM (opened by name), and graph runs on host tensors. */
final class TestDevices {
    private static Device shared;

    private TestDevices() {}

    static Path plugin() {
        return TestPlugin.standard();
    }

    static synchronized Device shared() {
        if (shared == null) {
            shared = Devices.open("pjrt:" + plugin());
        }
        return shared;
    }

    /** A device of its own (the caller closes it), with client options. */
    static PjrtDevice open(Map<String, Object> options) {
        return open(options, PjrtSettings.DEFAULTS);
    }

    static PjrtDevice open(Map<String, Object> options, PjrtSettings settings) {
        return PjrtDevice.open("pjrt:test", plugin(), 0, new DeviceOptions(options), settings);
    }

    static List<HostTensor> run(Device d, Graph g, HostTensor... inputs) {
        try (Executable e = d.compile(g)) {
            List<Buffer> in = new ArrayList<>();
            for (HostTensor t : inputs) {
                in.add(d.upload(t));
            }
            List<Buffer> out = e.execute(in);
            List<HostTensor> host = out.stream().map(Buffer::toHost).toList();
            out.forEach(Buffer::close);
            in.forEach(Buffer::close);
            return host;
        }
    }
}
