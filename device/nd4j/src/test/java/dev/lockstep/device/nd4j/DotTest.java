package dev.lockstep.device.nd4j;

import static dev.lockstep.device.nd4j.Cpu.assertValues;
import static dev.lockstep.device.nd4j.Cpu.run1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lockstep.tensor.DType;
import dev.lockstep.graph.DotGeneral;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class DotTest {
    // a = [[1,2,3],[4,5,6]] (2x3), c = [[1,0],[0,1],[1,1]] (3x2); a c = [[4,5],[10,11]].
    private static final float[] A = {1, 2, 3, 4, 5, 6};
    private static final float[] C = {1, 0, 0, 1, 1, 1};

    private static DotGeneral dot(int[] lb, int[] rb, int[] lc, int[] rc) {
        return new DotGeneral(lb, rb, lc, rc);
    }

    @Test
    void plainMatmul() {
        GraphBuilder b = new GraphBuilder();
        Tensor a = b.input("a", DType.F32, 2, 3);
        Tensor c = b.input("c", DType.F32, 3, 2);
        assertValues(run1(b.buildTensors(List.of(a.matmul(c))), Cpu.f32(A, 2, 3), Cpu.f32(C, 3, 2)), Shape.of(2, 2), 4, 5, 10, 11);
    }

    @Test
    void transposedOperandsUseGemmFlags() {
        // a^T given as [3, 2] contracting dim 0; c^T given as [2, 3] contracting dim 1.
        GraphBuilder b = new GraphBuilder();
        Tensor at = b.input("at", DType.F32, 3, 2);
        Tensor ct = b.input("ct", DType.F32, 2, 3);
        Tensor r = at.dotGeneral(dot(new int[0], new int[0], new int[] {0}, new int[] {1}), ct);
        var out = run1(b.buildTensors(List.of(r)), Cpu.f32(new float[] {1, 4, 2, 5, 3, 6}, 3, 2),
                Cpu.f32(new float[] {1, 0, 1, 0, 1, 1}, 2, 3));
        assertValues(out, Shape.of(2, 2), 4, 5, 10, 11);
    }

    @Test
    void batchedAndBatchDimNotLeading() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F64, 2, 1, 2);
        Tensor y = b.input("y", DType.F64, 2, 2, 1);
        Tensor r = x.matmul(y);
        // Batch on lhs dim 1 (x2 is [1, 2, 2] read as batch=dim1): forces a copy into [B, M, K].
        Tensor x2 = b.input("x2", DType.F64, 2, 2);
        Tensor r2 = x2.dotGeneral(dot(new int[] {1}, new int[] {0}, new int[] {0}, new int[] {1}), x2);
        var out = Cpu.run(b.buildTensors(List.of(r, r2)),
                HostTensor.ofDoubles(new double[] {1, 2, 3, 4}, 2, 1, 2), HostTensor.ofDoubles(new double[] {5, 6, 7, 8}, 2, 2, 1),
                HostTensor.ofDoubles(new double[] {1, 2, 3, 4}, 2, 2));
        assertValues(out.get(0), Shape.of(2, 1, 1), 17, 53);
        // r2[j] = sum_i x2[i][j] * x2[j][i]: j=0: 1*1 + 3*2 = 7; j=1: 2*3 + 4*4 = 22.
        assertValues(out.get(1), Shape.of(2), 7, 22);
    }

    @Test
    void integerDotIsExact() {
        GraphBuilder b = new GraphBuilder();
        Tensor a = b.input("a", DType.I32, 2, 3);
        Tensor c = b.input("c", DType.I32, 3, 2);
        var out = run1(b.buildTensors(List.of(a.matmul(c))), HostTensor.ofInts(new int[] {1, 2, 3, 4, 5, 6}, 2, 3),
                HostTensor.ofInts(new int[] {1, 0, 0, 1, 1, 1}, 3, 2));
        assertArrayEquals(new int[] {4, 5, 10, 11}, (int[]) out.array());
    }

    @Test
    void largeF32MatmulMatchesJavaReference() {
        int m = 37, k = 65, n = 29;
        float[] x = new float[m * k], y = new float[k * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i * 7 % 11) - 5;
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = (i * 5 % 13) - 6;
        }
        double[] expected = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < k; p++) {
                    expected[i * n + j] += x[i * k + p] * y[p * n + j];
                }
            }
        }
        GraphBuilder b = new GraphBuilder();
        Tensor a = b.input("a", DType.F32, m, k);
        Tensor c = b.input("c", DType.F32, k, n);
        assertValues(run1(b.buildTensors(List.of(a.matmul(c))), Cpu.f32(x, m, k), Cpu.f32(y, k, n)), Shape.of(m, n), expected);
    }
}
