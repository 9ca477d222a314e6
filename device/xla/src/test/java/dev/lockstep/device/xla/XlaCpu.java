package dev.lockstep.device.xla;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Devices;
import dev.lockstep.device.Executable;
import dev.lockstep.graph.Graph;
import dev.lockstep.tensor.HostTensor;
import java.util.ArrayList;
import java.util.List;

/** Test helper: one xla-cpu device per JVM (opening TensorFlow is slow), graphs run on host tensors. */
final class XlaCpu {
    private static Device device;

    private XlaCpu() {}

    static synchronized Device device() {
        if (device == null) {
            device = Devices.open(XlaCpuDeviceProvider.NAME);
        }
        return device;
    }

    static List<HostTensor> run(Graph g, HostTensor... inputs) {
        Device d = device();
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

    static HostTensor run1(Graph g, HostTensor... inputs) {
        return run(g, inputs).getFirst();
    }
}
