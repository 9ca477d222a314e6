package dev.lockstep.device.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.tensor.DType;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.HostTensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fused elementwise chains give exactly the bits of the unfused kernels. */
class FusionTest {
    private static final int ROWS = 256, COLS = 10;

    private static float[] pattern(int n, double phase) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) Math.sin(i * 0.731 + phase);
        }
        return v;
    }

    /** Momentum update and a bias-tanh chain; with {@code exposeIntermediates} nothing can fuse. */
    private static Graph graph(boolean exposeIntermediates) {
        GraphBuilder b = new GraphBuilder();
        Tensor p = b.input("p", DType.F32, ROWS, COLS);
        Tensor v = b.input("v", DType.F32, ROWS, COLS);
        Tensor g = b.input("g", DType.F32, ROWS, COLS);
        Tensor bias = b.input("bias", DType.F32, COLS);
        Tensor scaled = v.mul(0.9);
        Tensor nv = scaled.add(g);
        Tensor np = p.sub(nv.mul(0.05));
        Tensor pre = p.add(bias);
        Tensor act = pre.tanh().neg().exp();
        return exposeIntermediates ? b.buildTensors(List.of(np, act, scaled, nv, pre)) : b.buildTensors(List.of(np, act, nv));
    }

    @Test
    void fusedChainsMatchUnfusedBitForBit() {
        HostTensor[] in = {Cpu.f32(pattern(ROWS * COLS, 0), ROWS, COLS), Cpu.f32(pattern(ROWS * COLS, 1), ROWS, COLS),
                Cpu.f32(pattern(ROWS * COLS, 2), ROWS, COLS), Cpu.f32(pattern(COLS, 3), COLS)};
        Graph fused = graph(false), plain = graph(true);
        var a = Cpu.run(fused, in);
        var b = Cpu.run(plain, in);
        assertArrayEquals(b.get(0).floats(), a.get(0).floats(), "p - lr * (mu * v + g)");
        assertArrayEquals(b.get(1).floats(), a.get(1).floats(), "exp(-tanh(p + bias))");
        float[] p = (float[]) in[0].array(), bias = (float[]) in[3].array();
        assertEquals((float) Math.exp(-(float) Math.tanh(p[13] + bias[3])), a.get(1).floats()[13]);
        try (var e = (Nd4jExecutable) Cpu.DEVICE.compile(fused)) {
            // nv is an output read by nothing else after np: np's kernel writes it too (a store).
            assertEquals(2, e.scheduledSteps());
        }
    }
}
