package dev.lockstep.device.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.DType;
import dev.lockstep.graph.BinaryOp;
import dev.lockstep.graph.Convolution;
import dev.lockstep.graph.DotGeneral;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.IndexOp;
import dev.lockstep.graph.LayoutOp;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.Op;
import dev.lockstep.graph.RandomBits;
import dev.lockstep.graph.ReduceOp;
import dev.lockstep.graph.ReduceOp.Reduction;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.Shape;
import dev.lockstep.graph.UnaryOp;
import dev.lockstep.graph.WindowOp;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-computed values for the ops whose semantics are easiest to get wrong. */
class ReferenceInterpreterTest {

    /** Applies {@code op} to the given inputs (as parameters) and returns the result as doubles. */
    private static double[] run(Op op, HostTensor... inputs) {
        GraphBuilder b = new GraphBuilder();
        List<Node> params = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            params.add(b.parameter("x" + i, inputs[i].type()));
        }
        Node out = b.add(op, params);
        return ReferenceInterpreter.evaluate(b.build(out), List.of(inputs)).getFirst().toDoubles();
    }

    private static HostTensor f64(double[] v, int... dims) {
        return HostTensor.ofDoubles(v, dims);
    }

    private static HostTensor i64(long v) {
        return HostTensor.ofLongs(new long[] {v});
    }

    private static int[] ints(int... v) {
        return v;
    }

    @Test
    void conv1dStridePaddingDilationsAndGroups() {
        HostTensor x = f64(new double[] {1, 2, 3}, 1, 3, 1);
        HostTensor w = f64(new double[] {1, 10}, 2, 1, 1);
        // out[i] = x[i] + 10 x[i + 1]
        assertArrayEquals(new double[] {21, 32}, run(Convolution.simple(1), x, w));
        // lhs dilation 2: x becomes [1, 0, 2, 0, 3]
        assertArrayEquals(new double[] {1, 20, 2, 30},
                run(new Convolution(ints(1), ints(0), ints(0), ints(2), ints(1), 1), x, w));
        // pad 1 both sides: [0, 1, 2, 3, 0]; rhs dilation 2 taps p[i] and p[i + 2]: [20, 31, 2]; stride 2
        assertArrayEquals(new double[] {20, 2},
                run(new Convolution(ints(2), ints(1), ints(1), ints(1), ints(2), 1), x, w));
        // two groups of one channel each: out0 = 1 * 3, out1 = 2 * 5 (no cross-group terms)
        HostTensor x2 = f64(new double[] {1, 2}, 1, 1, 2);
        HostTensor w2 = f64(new double[] {3, 5}, 1, 1, 2);
        assertArrayEquals(new double[] {3, 10}, run(new Convolution(ints(1), ints(0), ints(0), ints(1), ints(1), 2), x2, w2));
    }

    @Test
    void conv2dIsCrossCorrelationWithoutKernelFlip() {
        HostTensor x = f64(new double[] {1, 2, 3, 4}, 1, 2, 2, 1);
        HostTensor w = f64(new double[] {1, 0, 0, 100}, 2, 2, 1, 1);
        assertArrayEquals(new double[] {1 + 400}, run(Convolution.simple(2), x, w));
    }

    @Test
    void gatherLooksUpRowsAndClampsStarts() {
        HostTensor table = f64(new double[] {0, 1, 10, 11, 20, 21}, 3, 2);
        HostTensor ids = HostTensor.ofInts(new int[] {2, 0, 5, -1}, 4);
        var take = new IndexOp.Gather(ints(1), ints(0), ints(0), 1, ints(1, 2));
        // 5 clamps to the last row, -1 to the first
        assertArrayEquals(new double[] {20, 21, 0, 1, 20, 21, 0, 1}, run(take, table, ids));
        // a 2-row window starting at 2 clamps to start 1: rows 1 and 2
        var window = new IndexOp.Gather(ints(1, 2), ints(), ints(0), 1, ints(2, 2));
        assertArrayEquals(new double[] {10, 11, 20, 21}, run(window, table, HostTensor.ofInts(new int[] {2}, 1, 1)));
    }

    @Test
    void scatterAddAccumulatesDuplicatesAndSkipsOutOfBoundsWindows() {
        HostTensor zeros = f64(new double[3], 3);
        HostTensor idx = HostTensor.ofInts(new int[] {0, 2, 0, 3}, 4, 1);
        HostTensor upd = f64(new double[] {1, 2, 4, 8}, 4);
        var scatter = new IndexOp.ScatterAdd(ints(), ints(0), ints(0), 1);
        assertArrayEquals(new double[] {5, 0, 2}, run(scatter, zeros, idx, upd));
        // windows of 2: start 3 would cover [3, 5) of a size-4 operand, so it is dropped whole
        var windows = new IndexOp.ScatterAdd(ints(1), ints(), ints(0), 1);
        assertArrayEquals(new double[] {0, 0, 1, 2}, run(windows, f64(new double[4], 4),
                HostTensor.ofInts(new int[] {2, 3}, 2, 1), f64(new double[] {1, 2, 100, 200}, 2, 2)));
    }

    @Test
    void reduceWindowPadsWithIdentity() {
        HostTensor x = f64(new double[] {1, 3, 2, 5}, 4);
        // windows over padded positions [-1, 0], [1, 2], [3, 4]
        assertArrayEquals(new double[] {1, 3, 5},
                run(new WindowOp.ReduceWindow(Reduction.MAX, ints(2), ints(2), ints(1), ints(1)), x));
        assertArrayEquals(new double[] {1, 5, 5},
                run(new WindowOp.ReduceWindow(Reduction.SUM, ints(2), ints(2), ints(1), ints(1)), x));
        assertArrayEquals(new double[] {-1, -3, -5},
                run(new WindowOp.ReduceWindow(Reduction.MIN, ints(2), ints(2), ints(1), ints(1)),
                        f64(new double[] {-1, -3, -2, -5}, 4)));
    }

    @Test
    void selectAndScatterRoutesToTheFirstMaximum() {
        HostTensor x = f64(new double[] {2, 7, 7, 1}, 4);
        HostTensor source = f64(new double[] {1, 10, 100}, 3);
        // windows [2, 7], [7, 7], [7, 1] select positions 1, 1 (first of the tie), 2
        assertArrayEquals(new double[] {0, 11, 100, 0},
                run(new WindowOp.SelectAndScatter(ints(2), ints(1), ints(0), ints(0)), x, source));
    }

    @Test
    void argMaxTiesPickTheSmallestIndexAndMaxPropagatesNaN() {
        assertArrayEquals(new double[] {1, 0}, run(new ReduceOp.ArgMax(1, DType.I32),
                f64(new double[] {3, 7, 7, 1, 4, 4, 4, 4}, 2, 4)));
        double[] max = run(new BinaryOp.Maximum(), f64(new double[] {Double.NaN, 1}, 2), f64(new double[] {1, Double.NaN}, 2));
        assertTrue(Double.isNaN(max[0]) && Double.isNaN(max[1]));
        assertTrue(Double.isNaN(run(new ReduceOp.Reduce(Reduction.MAX, ints(0)), f64(new double[] {1, Double.NaN, 2}, 3))[0]));
        assertTrue(Double.isNaN(run(new ReduceOp.Reduce(Reduction.MIN, ints(0)), f64(new double[] {1, Double.NaN, 2}, 3))[0]));
    }

    @Test
    void convertTruncatesWrapsAndRoundsToNearestEven() {
        assertArrayEquals(new double[] {-2, 2, 0}, run(new UnaryOp.Convert(DType.I32),
                f64(new double[] {-2.7, 2.7, -0.5}, 3)));
        assertArrayEquals(new double[] {5}, run(new UnaryOp.Convert(DType.I32), HostTensor.ofLongs(new long[] {(1L << 32) + 5})));
        assertArrayEquals(new double[] {1, 0, 1}, run(new UnaryOp.Convert(DType.BOOL), f64(new double[] {0.5, 0, Double.NaN}, 3)));
        // bf16 has 7 fraction bits: 1 + 2^-8 is a tie (down to even 1), 1 + 3 * 2^-8 ties up to 1 + 2^-6
        double u = Math.scalb(1.0, -8);
        assertArrayEquals(new double[] {1, 1 + 4 * u, 1 + 2 * u},
                run(new UnaryOp.Convert(DType.BF16), f64(new double[] {1 + u, 1 + 3 * u, 1 + 2 * u + u / 64}, 3)));
        // f16 has 10 fraction bits: 2049 is a tie between 2048 and 2050, to even 2048
        assertArrayEquals(new double[] {2048, 2052}, run(new UnaryOp.Convert(DType.F16), f64(new double[] {2049, 2051}, 2)));
    }

    @Test
    void integerArithmeticWrapsAndTruncates() {
        HostTensor a = HostTensor.ofInts(new int[] {Integer.MAX_VALUE, -7, 7}, 3);
        HostTensor b = HostTensor.ofInts(new int[] {1, 2, -2}, 3);
        assertArrayEquals(new double[] {Integer.MIN_VALUE, -5, 5}, run(new BinaryOp.Add(), a, b));
        assertArrayEquals(new double[] {Integer.MAX_VALUE, -3, -3}, run(new BinaryOp.Divide(), a, b));
        assertArrayEquals(new double[] {1, 49, 0}, run(new BinaryOp.Power(), HostTensor.ofInts(new int[] {1, -7, 7}, 3),
                HostTensor.ofInts(new int[] {-3, 2, -1}, 3)));
    }

    @Test
    void dotGeneralWithBatchDimensions() {
        HostTensor l = f64(new double[] {1, 2, 5, 6}, 2, 1, 2);
        HostTensor r = f64(new double[] {3, 4, 7, 8}, 2, 2, 1);
        var d = new DotGeneral(ints(0), ints(0), ints(2), ints(1));
        assertArrayEquals(new double[] {1 * 3 + 2 * 4, 5 * 7 + 6 * 8}, run(d, l, r));
    }

    @Test
    void padInteriorAndDynamicSliceClamping() {
        assertArrayEquals(new double[] {9, 1, 9, 2, 9, 3},
                run(new LayoutOp.Pad(ints(1), ints(0), ints(1)), f64(new double[] {1, 2, 3}, 3), f64(new double[] {9})));
        assertArrayEquals(new double[] {3, 4},
                run(new LayoutOp.DynamicSlice(ints(2)), f64(new double[] {0, 1, 2, 3, 4}, 5), HostTensor.ofInts(new int[] {4})));
    }

    @Test
    void broadcastTransposeAndReverse() {
        HostTensor x = f64(new double[] {1, 2}, 2);
        assertArrayEquals(new double[] {1, 1, 1, 2, 2, 2}, run(new LayoutOp.BroadcastInDim(Shape.of(2, 3), ints(0)), x));
        HostTensor m = f64(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, run(new LayoutOp.Transpose(ints(1, 0)), m));
        assertArrayEquals(new double[] {3, 2, 1, 6, 5, 4}, run(new LayoutOp.Reverse(ints(1)), m));
    }

    /** Known-answer vectors of Threefry-2x32-20 from the Random123 distribution (kat_vectors). */
    @Test
    void randomBitsMatchTheRandom123KnownAnswers() {
        assertArrayEquals(new double[] {0x6b200159}, run(new RandomBits(Shape.of(1)), i64(0), i64(0)));
        assertEquals((double) 0x1cb996fc, run(new RandomBits(Shape.of(1)), i64(-1), i64(-1))[0]);
    }

    @Test
    void wronglyTypedInputNamesTheParameter() {
        GraphBuilder b = new GraphBuilder();
        Node p = b.parameter("encoder/kernel", TensorType.of(DType.F32, 2));
        var e = assertThrows(IllegalArgumentException.class, () -> ReferenceInterpreter.evaluate(b.build(p),
                List.of(HostTensor.ofDoubles(new double[2], 2))));
        assertTrue(e.getMessage().contains("encoder/kernel"), e.getMessage());
    }

    @Test
    void gatherAndScatterWithTheIndexVectorInDimensionZero() {
        HostTensor x = f64(new double[] {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23}, 3, 4);
        // columns of [[2, 0], [1, 3]] are the index vectors (2, 1) and (0, 3)
        HostTensor idx = HostTensor.ofInts(new int[] {2, 0, 1, 3}, 2, 2);
        assertArrayEquals(new double[] {21, 3},
                run(new IndexOp.Gather(ints(), ints(0, 1), ints(0, 1), 0, ints(1, 1)), x, idx));
        // updates [window 2, scatter 1]: column window of rows (1, 2) added at (row 1, col 3)
        HostTensor rowsAt = HostTensor.ofInts(new int[] {1, 3}, 2, 1);
        double[] out = run(new IndexOp.ScatterAdd(ints(0), ints(1), ints(0, 1), 0), f64(new double[12], 3, 4), rowsAt,
                f64(new double[] {5, 7}, 2, 1));
        double[] expected = new double[12];
        expected[1 * 4 + 3] = 5;
        expected[2 * 4 + 3] = 7;
        assertArrayEquals(expected, out);
    }

    @Test
    void emptyReductionsGiveTheIdentity() {
        assertArrayEquals(new double[] {0, 0}, run(new ReduceOp.Reduce(Reduction.SUM, ints(0)), f64(new double[0], 0, 2)));
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY},
                run(new ReduceOp.Reduce(Reduction.MIN, ints(0)), f64(new double[0], 0)));
        assertArrayEquals(new double[] {Integer.MIN_VALUE},
                run(new ReduceOp.Reduce(Reduction.MAX, ints(0)), HostTensor.ofInts(new int[0], 0)));
        assertArrayEquals(new double[] {Long.MAX_VALUE},
                run(new ReduceOp.Reduce(Reduction.MIN, ints(0)), HostTensor.ofLongs(new long[0], 0)));
    }

    @Test
    void iotaStridedSliceAndConcatenateWithAnEmptyPart() {
        GraphBuilder b = new GraphBuilder();
        Node iota = b.add(new dev.lockstep.graph.LeafOp.Iota(TensorType.of(DType.I32, 2, 3), 1));
        assertArrayEquals(new double[] {0, 1, 2, 0, 1, 2},
                ReferenceInterpreter.evaluate(b.build(iota), List.of()).getFirst().toDoubles());
        assertArrayEquals(new double[] {1, 3, 5},
                run(new LayoutOp.Slice(ints(1), ints(6), ints(2)), f64(new double[] {0, 1, 2, 3, 4, 5, 6}, 7)));
        assertArrayEquals(new double[] {1, 2, 3},
                run(new LayoutOp.Concatenate(0), f64(new double[] {1}, 1), f64(new double[0], 0), f64(new double[] {2, 3}, 2)));
    }
}
