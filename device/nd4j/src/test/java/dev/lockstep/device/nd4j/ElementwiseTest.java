package dev.lockstep.device.nd4j;

import static dev.lockstep.device.nd4j.Cpu.assertValues;
import static dev.lockstep.device.nd4j.Cpu.run1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.DType;
import dev.lockstep.graph.BinaryOp;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.Shape;
import org.junit.jupiter.api.Test;

class ElementwiseTest {
    @Test
    void f32ArithmeticBroadcastsScalars() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 4);
        Tensor y = b.input("y", DType.F32, 4);
        var g = b.buildTensors(java.util.List.of(x.add(y), x.sub(y), x.mul(y), x.div(y), x.max(y), x.min(y), x.pow(2.0)));
        var out = Cpu.run(g, Cpu.f32(new float[] {1, -2, 3, 0.5f}, 4), Cpu.f32(new float[] {2, 2, -1, 4}, 4));
        Shape s = Shape.of(4);
        assertValues(out.get(0), s, 3, 0, 2, 4.5);
        assertValues(out.get(1), s, -1, -4, 4, -3.5);
        assertValues(out.get(2), s, 2, -4, -3, 2);
        assertValues(out.get(3), s, 0.5, -1, -3, 0.125);
        assertValues(out.get(4), s, 2, 2, 3, 4);
        assertValues(out.get(5), s, 1, -2, -1, 0.5);
        assertValues(out.get(6), s, 1, 4, 9, 0.25);
    }

    @Test
    void maximumPropagatesNaN() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 2);
        var out = run1(b.buildTensors(java.util.List.of(x.relu())), Cpu.f32(new float[] {Float.NaN, -1}, 2));
        assertTrue(Double.isNaN(out.toDoubles()[0]));
        assertEquals(0.0, out.toDoubles()[1]);
    }

    @Test
    void integerDivisionTruncatesAndWraps() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.I32, 4);
        Tensor y = b.input("y", DType.I32, 4);
        var out = Cpu.run(b.buildTensors(java.util.List.of(x.div(y), x.add(y), x.pow(y))),
                HostTensor.ofInts(new int[] {7, -7, 5, Integer.MAX_VALUE}, 4), HostTensor.ofInts(new int[] {2, 2, 0, 1}, 4));
        assertArrayEquals(new int[] {3, -3, -1, Integer.MAX_VALUE}, (int[]) out.get(0).array());
        assertArrayEquals(new int[] {9, -5, 5, Integer.MIN_VALUE}, (int[]) out.get(1).array());
        assertArrayEquals(new int[] {49, 49, 1, Integer.MAX_VALUE}, (int[]) out.get(2).array());
    }

    @Test
    void i64StaysExactBeyondDoublePrecision() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.I64, 1);
        long big = (1L << 60) + 1;
        var out = run1(b.buildTensors(java.util.List.of(x.add(x))), HostTensor.ofLongs(new long[] {big}, 1));
        assertEquals(2 * big, ((long[]) out.array())[0]);
    }

    @Test
    void unaryFloatOps() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F64, 3);
        var g = b.buildTensors(java.util.List.of(x.exp(), x.abs(), x.neg(), x.sign(), x.floor(), x.ceil(), x.tanh(),
                x.sigmoid(), x.abs().sqrt(), x.abs().rsqrt(), x.abs().log(), x.abs().log1p()));
        var out = Cpu.run(g, HostTensor.ofDoubles(new double[] {-1.5, 0.25, 2}, 3));
        Shape s = Shape.of(3);
        assertValues(out.get(0), s, Math.exp(-1.5), Math.exp(0.25), Math.exp(2));
        assertValues(out.get(1), s, 1.5, 0.25, 2);
        assertValues(out.get(2), s, 1.5, -0.25, -2);
        assertValues(out.get(3), s, -1, 1, 1);
        assertValues(out.get(4), s, -2, 0, 2);
        assertValues(out.get(5), s, -1, 1, 2);
        assertValues(out.get(6), s, Math.tanh(-1.5), Math.tanh(0.25), Math.tanh(2));
        assertValues(out.get(7), s, 1 / (1 + Math.exp(1.5)), 1 / (1 + Math.exp(-0.25)), 1 / (1 + Math.exp(-2)));
        assertValues(out.get(8), s, Math.sqrt(1.5), 0.5, Math.sqrt(2));
        assertValues(out.get(9), s, 1 / Math.sqrt(1.5), 2, 1 / Math.sqrt(2));
        assertValues(out.get(10), s, Math.log(1.5), Math.log(0.25), Math.log(2));
        assertValues(out.get(11), s, Math.log(2.5), Math.log(1.25), Math.log(3));
    }

    @Test
    void compareAndSelect() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 3);
        Tensor y = b.input("y", DType.F32, 3);
        Tensor lt = x.lt(y);
        var out = Cpu.run(b.buildTensors(java.util.List.of(lt, lt.select(x, y), x.compare(BinaryOp.Direction.NE, y))),
                Cpu.f32(new float[] {1, 5, Float.NaN}, 3), Cpu.f32(new float[] {2, 3, 1}, 3));
        assertArrayEquals(new boolean[] {true, false, false}, (boolean[]) out.get(0).array());
        assertValues(out.get(1), Shape.of(3), 1, 3, 1);
        assertArrayEquals(new boolean[] {true, true, true}, (boolean[]) out.get(2).array());
    }

    @Test
    void convertTruncatesTowardZeroAndHandlesBool() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 4);
        Tensor i = x.cast(DType.I32);
        Tensor bool = x.cast(DType.BOOL);
        var out = Cpu.run(b.buildTensors(java.util.List.of(i, bool, bool.cast(DType.F64), i.cast(DType.I64))),
                Cpu.f32(new float[] {-2.7f, 2.7f, 0, 0.5f}, 4));
        assertArrayEquals(new int[] {-2, 2, 0, 0}, (int[]) out.get(0).array());
        assertArrayEquals(new boolean[] {true, true, false, true}, (boolean[]) out.get(1).array());
        assertValues(out.get(2), Shape.of(4), 1, 1, 0, 1);
        assertArrayEquals(new long[] {-2, 2, 0, 0}, (long[]) out.get(3).array());
    }

    @Test
    void bf16RoundsToNearestEven() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 2);
        Tensor h = x.cast(DType.BF16);
        var out = Cpu.run(b.buildTensors(java.util.List.of(h.add(h).cast(DType.F32))),
                Cpu.f32(new float[] {1.00390625f, 1.01171875f}, 2));
        // 1 + 2^-8 is halfway between bf16 neighbours 1 and 1 + 2^-7: ties go to even (1).
        assertValues(out.getFirst(), Shape.of(2), 2, 2.03125);
    }
}
