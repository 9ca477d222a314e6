package dev.lockstep.device.nd4j;

import static dev.lockstep.device.nd4j.Cpu.run1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lockstep.graph.Convolution;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Conv's direct loop (non-BLAS dtypes) and Im2col (f32/f64) decoded the convolution's geometry each in
 * its own copy; they now share one. Both paths must agree on every option, with small integer values
 * so f16 is exact.
 */
class ConvPathsAgreeTest {
    private static float[] values(int n, int seed) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = ((i * 7 + seed * 3) % 5) - 2;
        }
        return v;
    }

    private static int size(int[] dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    private static double[] run(DType t, int[] xd, int[] kd, Convolution c) {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", t, xd);
        Tensor k = b.input("k", t, kd);
        return run1(b.buildTensors(List.of(x.conv(k, c))),
                HostTensor.wrap(TensorType.of(t, xd), values(size(xd), 1)),
                HostTensor.wrap(TensorType.of(t, kd), values(size(kd), 2))).toDoubles();
    }

    private static void assertAgree(int[] xd, int[] kd, Convolution c) {
        double[] im2col = run(DType.F32, xd, kd, c);
        double[] direct = run(DType.F16, xd, kd, c);
        assertArrayEquals(im2col, direct, c.toString());
    }

    @Test
    void oneDimensionalWithStridePaddingAndBothDilations() {
        assertAgree(new int[] {2, 7, 2}, new int[] {3, 2, 3},
                new Convolution(new int[] {2}, new int[] {2}, new int[] {1}, new int[] {2}, new int[] {2}, 1));
    }

    @Test
    void twoDimensionalWithGroupsStridesPaddingAndDilations() {
        assertAgree(new int[] {2, 5, 6, 4}, new int[] {2, 3, 2, 6},
                new Convolution(new int[] {1, 2}, new int[] {1, 0}, new int[] {2, 1}, new int[] {1, 2},
                        new int[] {2, 1}, 2));
        assertAgree(new int[] {1, 4, 4, 3}, new int[] {3, 3, 3, 2},
                new Convolution(new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1},
                        new int[] {1, 1}, 1));
    }
}
