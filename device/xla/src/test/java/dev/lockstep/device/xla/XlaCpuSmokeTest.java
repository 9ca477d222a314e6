package dev.lockstep.device.xla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lockstep.device.HostTensor;
import dev.lockstep.graph.DType;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import org.junit.jupiter.api.Test;

class XlaCpuSmokeTest {
    @Test
    void addsAndMultipliesMatrices() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 2, 2);
        Tensor y = b.input("y", DType.F32, 2, 2);
        var g = b.buildTensors(java.util.List.of(x.matmul(y).add(x)));
        System.out.println(StableHloEmitter.emit(g).text());
        HostTensor r = XlaCpu.run1(g, HostTensor.ofFloats(new float[] {1, 2, 3, 4}, 2, 2),
                HostTensor.ofFloats(new float[] {5, 6, 7, 8}, 2, 2));
        // [[1,2],[3,4]] x [[5,6],[7,8]] = [[19,22],[43,50]], plus x
        assertArrayEquals(new float[] {20, 24, 46, 54}, r.floats());
    }
}
