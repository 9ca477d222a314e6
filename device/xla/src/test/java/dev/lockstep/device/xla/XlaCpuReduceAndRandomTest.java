package dev.lockstep.device.xla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.tensor.DType;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.RandomBits;
import dev.lockstep.graph.ReduceOp;
import dev.lockstep.graph.Tensor;
import dev.lockstep.graph.Threefry;
import dev.lockstep.graph.WindowOp;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reductions, argmax, pooling and its gradient, and Threefry random bits, run through XLA. */
class XlaCpuReduceAndRandomTest {
    @Test
    void reducesOverAxes() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 2, 3);
        Tensor i = b.input("i", DType.I32, 2, 3);
        var r = XlaCpu.run(b.buildTensors(List.of(x.sum(1), x.reduceMax(0), x.reduceMin(0, 1), i.reduceMax(1), i.sum(0, 1))),
                HostTensor.ofFloats(new float[] {1, -2, 3, 4, 5, -6}, 2, 3),
                HostTensor.ofInts(new int[] {-5, -9, -7, 1, 2, 3}, 2, 3));
        assertArrayEquals(new float[] {2, 3}, r.get(0).floats());
        assertArrayEquals(new float[] {4, 5, 3}, r.get(1).floats());
        assertArrayEquals(new float[] {-6}, r.get(2).floats());
        assertArrayEquals(new int[] {-5, 3}, (int[]) r.get(3).array(), "integer max starts from INT_MIN");
        assertArrayEquals(new int[] {-15}, (int[]) r.get(4).array());
    }

    @Test
    void argmaxTakesTheFirstMaximumAndTheFirstNaN() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 4, 4);
        Tensor i = b.input("i", DType.I64, 2, 3);
        var r = XlaCpu.run(b.buildTensors(List.of(x.argmax(1), x.argmax(0), i.argmax(1))),
                HostTensor.ofFloats(new float[] {
                        1, 3, 3, 2,
                        Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY,
                        0, Float.NaN, 5, Float.NaN,
                        7, 7, 7, 7}, 4, 4),
                HostTensor.ofLongs(new long[] {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, 4, 9, 9}, 2, 3));
        assertArrayEquals(new int[] {1, 0, 1, 0}, (int[]) r.get(0).array());
        assertArrayEquals(new int[] {3, 2, 3, 2}, (int[]) r.get(1).array());
        assertArrayEquals(new int[] {0, 1}, (int[]) r.get(2).array());
    }

    @Test
    void maxPoolingWithPaddingAndItsGradient() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 1, 4, 1);
        Tensor src = b.input("src", DType.F32, 1, 2, 1);
        int[] win = {1, 3, 1}, str = {1, 2, 1}, lo = {0, 1, 0}, hi = {0, 0, 0};
        Tensor pool = x.reduceWindow(ReduceOp.Reduction.MAX, win, str, lo, hi);
        Tensor sum = x.reduceWindow(ReduceOp.Reduction.SUM, win, str, lo, hi);
        Node grad = b.add(new WindowOp.SelectAndScatter(win, str, lo, hi), x.node(), src.node());
        var r = XlaCpu.run(b.build(pool.node(), sum.node(), grad),
                HostTensor.ofFloats(new float[] {5, 1, 5, 2}, 1, 4, 1), HostTensor.ofFloats(new float[] {10, 20}, 1, 2, 1));
        // windows over padded [pad, 5, 1, 5, 2]: {pad, 5, 1} and {1, 5, 2}
        assertArrayEquals(new float[] {5, 5}, r.get(0).floats());
        assertArrayEquals(new float[] {6, 8}, r.get(1).floats());
        assertArrayEquals(new float[] {10, 0, 20, 0}, r.get(2).floats());
    }

    @Test
    void selectAndScatterPicksTheFirstOfTiedMaxima() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F64, 4);
        Tensor src = b.input("src", DType.F64, 2);
        int[] win = {2}, str = {2}, none = {0};
        Node grad = b.add(new WindowOp.SelectAndScatter(win, str, none, none), x.node(), src.node());
        var r = XlaCpu.run1(b.build(grad), HostTensor.ofDoubles(new double[] {3, 3, -1, 4}, 4), HostTensor.ofDoubles(new double[] {1, 2}, 2));
        assertArrayEquals(new double[] {1, 0, 0, 2}, (double[]) r.array());
    }

    @Test
    void randomBitsAreBitExactWithTheThreefryReference() {
        long[][] keysAndCounters = {{0, 0}, {0x1234_5678_9ABC_DEF0L, 0xFFFF_FFFEL}, {-1, -3}, {42, Long.MAX_VALUE}};
        GraphBuilder b = new GraphBuilder();
        Tensor key = b.input("key", DType.I64);
        Tensor counter = b.input("counter", DType.I64);
        Node matrix = b.add(new RandomBits(Shape.of(2, 3)), key.node(), counter.node());
        Node scalar = b.add(new RandomBits(Shape.scalar()), key.node(), counter.node());
        var g = b.build(matrix, scalar);
        for (long[] kc : keysAndCounters) {
            var r = XlaCpu.run(g, HostTensor.ofLongs(new long[] {kc[0]}), HostTensor.ofLongs(new long[] {kc[1]}));
            int[] bits = (int[]) r.get(0).array();
            for (int j = 0; j < 6; j++) {
                assertEquals(Threefry.bits(kc[0], kc[1], j), bits[j], "key " + kc[0] + " counter " + kc[1] + " element " + j);
            }
            assertEquals(Threefry.bits(kc[0], kc[1], 0), ((int[]) r.get(1).array())[0]);
        }
    }

    @Test
    void threefryMatchesThePublishedKnownAnswer() {
        // Random123 known-answer test for threefry2x32_20: key = counter = 0 gives 0x6b200159 first.
        assertEquals(0x6b200159, Threefry.hash(0, 0, 0, 0)[0]);
        GraphBuilder b = new GraphBuilder();
        Node bits = b.add(new RandomBits(Shape.of(1)), b.input("k", DType.I64).node(), b.input("c", DType.I64).node());
        var r = XlaCpu.run1(b.build(bits), HostTensor.ofLongs(new long[] {0}), HostTensor.ofLongs(new long[] {0}));
        assertEquals(0x6b200159, ((int[]) r.array())[0]);
    }
}
