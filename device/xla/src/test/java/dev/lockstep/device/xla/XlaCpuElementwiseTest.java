package dev.lockstep.device.xla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.tensor.DType;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Elementwise ops, literals and conversions run through XLA, against values computed by hand or java.lang.Math. */
class XlaCpuElementwiseTest {
    private static final float[] X = {-1.5f, -0.0f, 0.25f, 2f, Float.NaN, Float.POSITIVE_INFINITY};

    private static float[] unary(UnaryOperator<Tensor> f, float[] in) {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, in.length);
        return XlaCpu.run1(b.buildTensors(List.of(f.apply(x))), HostTensor.ofFloats(in, in.length)).floats();
    }

    private static void assertUnary(UnaryOperator<Tensor> f, DoubleUnaryOperator ref, double tol) {
        float[] got = unary(f, X);
        for (int i = 0; i < X.length; i++) {
            double want = (float) ref.applyAsDouble(X[i]);
            if (Double.isNaN(want) || Double.isInfinite(want)) {
                assertEquals(want, got[i], "element " + i + " of " + X[i]);
                continue;
            }
            assertEquals(want, got[i], tol * Math.max(1, Math.abs(want)), "element " + i + " of " + X[i]);
        }
    }

    @Test
    void unaryOpsMatchJavaMath() {
        assertUnary(Tensor::neg, v -> -v, 0);
        assertUnary(Tensor::abs, Math::abs, 0);
        assertUnary(Tensor::exp, Math::exp, 1e-6);
        assertUnary(Tensor::tanh, Math::tanh, 1e-6);
        assertUnary(Tensor::sigmoid, v -> 1 / (1 + Math.exp(-v)), 1e-6);
        assertUnary(Tensor::sign, v -> Double.isNaN(v) ? v : Math.signum(v), 0);
        assertUnary(Tensor::floor, Math::floor, 0);
        assertUnary(Tensor::ceil, Math::ceil, 0);
        float[] pos = {0.25f, 4f, 1e-7f};
        assertArrayEquals(new float[] {0.5f, 2f, (float) Math.sqrt(1e-7)}, unary(Tensor::sqrt, pos), 1e-6f);
        assertArrayEquals(new float[] {2f, 0.5f, (float) (1 / Math.sqrt(1e-7))}, unary(Tensor::rsqrt, pos), 1e-2f);
        assertArrayEquals(new float[] {(float) Math.log(0.25), (float) Math.log(4), (float) Math.log(1e-7)},
                unary(Tensor::log, pos), 1e-6f);
        assertArrayEquals(new float[] {(float) Math.log1p(0.25), (float) Math.log1p(4), (float) Math.log1p(1e-7)},
                unary(Tensor::log1p, pos), 1e-12f);
    }

    @Test
    void integerDivisionTruncatesAndPowerAndMinMax() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.I32, 4);
        Tensor y = b.input("y", DType.I32, 4);
        var g = b.buildTensors(List.of(x.div(y), x.max(y), x.min(y)));
        var r = XlaCpu.run(g, HostTensor.ofInts(new int[] {7, -7, 7, -7}, 4), HostTensor.ofInts(new int[] {2, 2, -2, -2}, 4));
        assertArrayEquals(new int[] {3, -3, -3, 3}, (int[]) r.get(0).array());
        assertArrayEquals(new int[] {7, 2, 7, -2}, (int[]) r.get(1).array());
        assertArrayEquals(new int[] {2, -7, -2, -7}, (int[]) r.get(2).array());

        GraphBuilder p = new GraphBuilder();
        Tensor a = p.input("a", DType.F64, 2);
        var pg = p.buildTensors(List.of(a.pow(a), a.max(a.scalar(Double.NaN))));
        var pr = XlaCpu.run(pg, HostTensor.ofDoubles(new double[] {2, 0.5}, 2));
        assertArrayEquals(new double[] {4, Math.pow(0.5, 0.5)}, (double[]) pr.get(0).array(), 1e-15);
        assertTrue(Double.isNaN(pr.get(1).getDouble(0)) && Double.isNaN(pr.get(1).getDouble(1)), "max propagates NaN");
    }

    @Test
    void compareAndSelect() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 4);
        Tensor y = b.input("y", DType.F32, 4);
        var g = b.buildTensors(List.of(x.lt(y), x.ne(y), x.ge(y), x.lt(y).select(x, y)));
        var r = XlaCpu.run(g, HostTensor.ofFloats(new float[] {1, 2, Float.NaN, 3}, 4),
                HostTensor.ofFloats(new float[] {2, 2, 1, -3}, 4));
        assertArrayEquals(new boolean[] {true, false, false, false}, (boolean[]) r.get(0).array());
        assertArrayEquals(new boolean[] {true, false, true, true}, (boolean[]) r.get(1).array(), "NaN != 1 is true");
        assertArrayEquals(new boolean[] {false, true, false, true}, (boolean[]) r.get(2).array());
        assertArrayEquals(new float[] {1, 2, 1, -3}, r.get(3).floats());

        GraphBuilder bi = new GraphBuilder();
        Tensor p = bi.input("p", DType.BOOL, 3);
        Tensor q = bi.input("q", DType.BOOL, 3);
        var rb = XlaCpu.run1(bi.buildTensors(List.of(p.lt(q))), HostTensor.ofBools(new boolean[] {false, true, false}, 3),
                HostTensor.ofBools(new boolean[] {true, true, false}, 3));
        assertArrayEquals(new boolean[] {true, false, false}, (boolean[]) rb.array(), "false < true for bools");
    }

    @Test
    void convertTruncatesTowardZeroAndBoolIsNonZero() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 4);
        var g = b.buildTensors(List.of(x.cast(DType.I32), x.cast(DType.BOOL), x.cast(DType.BOOL).cast(DType.F64),
                x.cast(DType.I64).cast(DType.F32)));
        var r = XlaCpu.run(g, HostTensor.ofFloats(new float[] {-2.7f, 0f, 0.5f, 3.9f}, 4));
        assertArrayEquals(new int[] {-2, 0, 0, 3}, (int[]) r.get(0).array());
        assertArrayEquals(new boolean[] {true, false, true, true}, (boolean[]) r.get(1).array());
        assertArrayEquals(new double[] {1, 0, 1, 1}, (double[]) r.get(2).array());
        assertArrayEquals(new float[] {-2, 0, 0, 3}, r.get(3).floats());
    }

    @Test
    void constantsKeepEveryBit() {
        double[] v = {Double.NaN, Double.NEGATIVE_INFINITY, -0.0, 0.1, 1e-45, Double.MIN_VALUE};
        GraphBuilder b = new GraphBuilder();
        var f32 = b.constant(TensorType.of(DType.F32, 2, 3), v);
        var f64 = b.constant(TensorType.of(DType.F64, 6), v);
        var bf16 = b.constant(TensorType.of(DType.BF16, 3), 0.1, -3.0, Double.POSITIVE_INFINITY);
        var i64 = b.constant(TensorType.of(DType.I64, 2), -(1L << 53), 7);
        var bools = b.constant(TensorType.of(DType.BOOL, 2, 1), 1, 0);
        var splat = b.constant(TensorType.of(DType.F32, 2), Double.NaN);
        var r = XlaCpu.run(b.buildTensors(List.of(f32, f64, bf16, i64, bools, splat)));
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float.floatToIntBits((float) v[i]), Float.floatToIntBits(r.get(0).floats()[i]), "f32 element " + i);
            assertEquals(Double.doubleToLongBits(v[i]), Double.doubleToLongBits(((double[]) r.get(1).array())[i]), "f64 element " + i);
        }
        // bf16 keeps 8 significant bits: 0.1 rounds to 0.10009765625
        assertArrayEquals(new float[] {0.10009765625f, -3f, Float.POSITIVE_INFINITY}, r.get(2).floats());
        assertArrayEquals(new long[] {-(1L << 53), 7}, (long[]) r.get(3).array());
        assertArrayEquals(new boolean[] {true, false}, (boolean[]) r.get(4).array());
        assertTrue(Float.isNaN(r.get(5).floats()[0]) && Float.isNaN(r.get(5).floats()[1]));
    }

    @Test
    void halfPrecisionArithmeticRoundsAtTheDevice() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F16, 2);
        Tensor y = b.input("y", DType.BF16, 2);
        var r = XlaCpu.run(b.buildTensors(List.of(x.add(x), y.mul(y))),
                HostTensor.wrap(TensorType.of(DType.F16, 2), new float[] {1.0009765625f, 65504f}),
                HostTensor.wrap(TensorType.of(DType.BF16, 2), new float[] {3f, 1.5f}));
        assertArrayEquals(new float[] {2.001953125f, Float.POSITIVE_INFINITY}, r.get(0).floats(), "f16 overflows past 65504");
        assertArrayEquals(new float[] {9f, 2.25f}, r.get(1).floats());
    }

    private static void assertTrue(boolean c, String... msg) {
        org.junit.jupiter.api.Assertions.assertTrue(c, msg.length == 0 ? "" : msg[0]);
    }
}
