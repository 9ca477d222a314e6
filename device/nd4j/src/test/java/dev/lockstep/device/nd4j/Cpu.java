package dev.lockstep.device.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Executable;
import dev.lockstep.graph.Graph;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/** Test helper: one shared cpu device; runs a graph on host tensors. */
final class Cpu {
    static final Device DEVICE = new CpuDeviceProvider().open();

    private Cpu() {}

    static List<HostTensor> run(Graph g, HostTensor... inputs) {
        List<Buffer> in = new ArrayList<>();
        for (HostTensor h : inputs) {
            in.add(DEVICE.upload(h));
        }
        try (Executable e = DEVICE.compile(g)) {
            List<Buffer> out = e.execute(in);
            List<HostTensor> host = new ArrayList<>();
            for (Buffer b : out) {
                host.add(b.toHost());
                b.close();
            }
            return host;
        } finally {
            in.forEach(Buffer::close);
        }
    }

    static HostTensor run1(Graph g, HostTensor... inputs) {
        return run(g, inputs).getFirst();
    }

    static void assertValues(HostTensor t, Shape shape, double... expected) {
        assertEquals(shape, t.shape(), "shape");
        assertArrayEquals(expected, t.toDoubles(), 1e-5, () -> "values of " + t);
    }

    static HostTensor f32(float[] v, int... dims) {
        return HostTensor.ofFloats(v, dims);
    }
}
