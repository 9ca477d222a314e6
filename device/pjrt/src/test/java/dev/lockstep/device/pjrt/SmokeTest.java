package dev.lockstep.device.pjrt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void addsTwoMatrices() {
        var b = new GraphBuilder();
        var x = b.input("x", DType.F32, 2, 3);
        var y = b.input("y", DType.F32, 2, 3);
        Graph g = b.buildTensors(List.of(x.add(y)));
        var out = TestDevices.run(TestDevices.shared(), g, HostTensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
                HostTensor.ofFloats(new float[] {10, 20, 30, 40, 50, 60}, 2, 3));
        assertArrayEquals(new float[] {11, 22, 33, 44, 55, 66}, out.getFirst().floats());
    }
}
