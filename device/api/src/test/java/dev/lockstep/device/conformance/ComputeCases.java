package dev.lockstep.device.conformance;

import static dev.lockstep.device.conformance.CaseBuilder.FLOATS;
import static dev.lockstep.device.conformance.CaseBuilder.NUMERIC;
import static dev.lockstep.device.conformance.CaseBuilder.ints;

import dev.lockstep.tensor.DType;
import dev.lockstep.device.conformance.Input.Domain;
import dev.lockstep.graph.Convolution;
import dev.lockstep.graph.DotGeneral;
import dev.lockstep.graph.AllReduce;
import dev.lockstep.graph.RandomBits;
import dev.lockstep.graph.ReduceOp;
import dev.lockstep.graph.ReduceOp.Reduction;
import dev.lockstep.graph.WindowOp;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.Shape;
import java.util.List;

/** Contractions, convolutions, reductions, window ops and random bits. */
final class ComputeCases {
    private ComputeCases() {}

    static void addAll(CaseBuilder c) {
        for (DType d : NUMERIC) {
            boolean all = d == DType.F32 || d == DType.I32;
            dot(c, d, all);
            reduce(c, d, all);
            argMax(c, d, all);
            reduceWindow(c, d, all);
        }
        for (DType d : FLOATS) {
            boolean all = d == DType.F32;
            convolution(c, d, all);
            selectAndScatter(c, d, all);
        }
        randomBits(c);
        allReduce(c);
    }

    /** One replica: the sum over replicas is the operand (devices that sum across several are tested by workers). */
    private static void allReduce(CaseBuilder c) {
        for (DType d : List.of(DType.F32, DType.F64, DType.I32, DType.I64)) {
            c.op(new AllReduce(), Input.of(d, 3, 4));
        }
        c.op(new AllReduce(), Input.of(DType.F32));
        c.op(new AllReduce(), Input.of(DType.F32, 0, 2));
    }

    /** Error scale of a sum of k products of inputs bounded by 2. */
    private static double products(int k) {
        return 4.0 * Math.max(1, k);
    }

    private static void dot(CaseBuilder c, DType d, boolean all) {
        c.op(DotGeneral.matmul(), products(4), Input.of(d, 3, 4), Input.of(d, 4, 5));
        c.op(new DotGeneral(ints(0), ints(0), ints(2), ints(1)), products(4), Input.of(d, 2, 3, 4), Input.of(d, 2, 4, 5));
        if (!all) {
            return;
        }
        c.op(new DotGeneral(ints(), ints(), ints(0), ints(0)), products(6), Input.of(d, 6), Input.of(d, 6));
        c.op(new DotGeneral(ints(), ints(), ints(0), ints(0)), products(4), Input.of(d, 4, 3), Input.of(d, 4, 5));
        c.op(new DotGeneral(ints(1), ints(1), ints(2), ints(0)), products(4), Input.of(d, 3, 2, 4), Input.of(d, 4, 2, 5));
        c.op(new DotGeneral(ints(), ints(), ints(), ints()), products(1), Input.of(d, 3), Input.of(d, 2));
        c.op(new DotGeneral(ints(), ints(), ints(1, 2), ints(1, 0)), products(6), Input.of(d, 2, 3, 2), Input.of(d, 2, 3, 4));
        c.op(DotGeneral.matmul(), products(0), Input.of(d, 3, 0), Input.of(d, 0, 2));
        c.op(DotGeneral.matmul(), products(4), Input.of(d, 0, 4), Input.of(d, 4, 2));
        c.op(DotGeneral.matmul(), products(64), Input.of(d, 2, 64), Input.of(d, 64, 3));
        c.op(DotGeneral.matmul(), products(1), Input.of(d, 1, 1), Input.of(d, 1, 1));
    }

    private static void reduce(CaseBuilder c, DType d, boolean all) {
        for (Reduction r : Reduction.values()) {
            double sum = r == Reduction.SUM ? 2 : 0;
            c.op(new ReduceOp.Reduce(r, ints(1)), 1 + 4 * sum, Input.of(d, 3, 4));
            c.op(new ReduceOp.Reduce(r, ints(0, 1)), 1 + 12 * sum, Input.of(d, 3, 4));
            // empty reduced axis: the identity (0, -inf/min, +inf/max)
            c.op(new ReduceOp.Reduce(r, ints(0)), 1, Input.of(d, 0, 3));
            if (!all) {
                continue;
            }
            c.op(new ReduceOp.Reduce(r, ints(0, 2)), 1 + 8 * sum, Input.of(d, 2, 3, 4));
            c.op(new ReduceOp.Reduce(r, ints(2, 0)), 1 + 8 * sum, Input.of(d, 2, 3, 4));
            c.op(new ReduceOp.Reduce(r, ints()), 1, Input.of(d, 2, 3));
            c.op(new ReduceOp.Reduce(r, ints()), 1, Input.of(d));
            c.op(new ReduceOp.Reduce(r, ints(0)), 1 + 100 * sum, Input.of(d, 100));
            c.op(new ReduceOp.Reduce(r, ints(1)), 1, Input.of(d, 0, 3));
            c.op(new ReduceOp.Reduce(r, ints(0)), 1, Input.of(d, 1, 5));
            if (d.isFloating()) {
                c.op(new ReduceOp.Reduce(r, ints(1)), 1 + 4 * sum, Input.of(d, Domain.NAN, 4, 4));
            }
        }
    }

    private static void argMax(CaseBuilder c, DType d, boolean all) {
        // few distinct values, so ties are common: the smallest index must win
        c.op(new ReduceOp.ArgMax(1, DType.I32), Input.of(d, Domain.GRID, 4, 6));
        if (all) {
            c.op(new ReduceOp.ArgMax(0, DType.I64), Input.of(d, Domain.GRID, 5, 3));
            c.op(new ReduceOp.ArgMax(0, DType.I32), Input.of(d, 7));
            c.op(new ReduceOp.ArgMax(1, DType.I32), Input.of(d, 2, 3, 4));
            c.op(new ReduceOp.ArgMax(0, DType.I32), Input.of(d, 1, 0));
        }
    }

    private static void reduceWindow(CaseBuilder c, DType d, boolean all) {
        for (Reduction r : Reduction.values()) {
            double sum = r == Reduction.SUM ? 2 : 0;
            // 2x2 pooling with stride 2 over NHWC
            c.op(new WindowOp.ReduceWindow(r, ints(1, 2, 2, 1), ints(1, 2, 2, 1), ints(0, 0, 0, 0), ints(0, 0, 0, 0)),
                    1 + 4 * sum, Input.of(d, 2, 4, 4, 3));
            if (!all) {
                continue;
            }
            // 3x3 "same" pooling: overlapping windows, padding filled with the identity
            c.op(new WindowOp.ReduceWindow(r, ints(1, 3, 3, 1), ints(1, 1, 1, 1), ints(0, 1, 1, 0), ints(0, 1, 1, 0)),
                    1 + 9 * sum, Input.of(d, 1, 4, 5, 2));
            c.op(new WindowOp.ReduceWindow(r, ints(3), ints(2), ints(1), ints(0)), 1 + 3 * sum, Input.of(d, 7));
            c.op(new WindowOp.ReduceWindow(r, ints(4, 1), ints(1, 1), ints(2, 0), ints(2, 0)), 1 + 4 * sum, Input.of(d, 2, 3));
            c.op(new WindowOp.ReduceWindow(r, ints(3), ints(1), ints(0), ints(0)), 1, Input.of(d, 2));
            c.op(new WindowOp.ReduceWindow(r, ints(2, 2), ints(1, 1), ints(0, 0), ints(0, 0)), 1, Input.of(d, 0, 3));
            c.op(new WindowOp.ReduceWindow(r, ints(), ints(), ints(), ints()), 1, Input.of(d));
        }
    }

    private static void convolution(CaseBuilder c, DType d, boolean all) {
        c.op(Convolution.simple(1), products(3 * 2), Input.of(d, 2, 6, 2), Input.of(d, 3, 2, 4));
        c.op(Convolution.simple(2), products(9 * 3), Input.of(d, 2, 5, 5, 3), Input.of(d, 3, 3, 3, 2));
        if (!all) {
            return;
        }
        // 1-D: stride, asymmetric padding, input (lhs) dilation, kernel (rhs) dilation, groups
        c.op(conv1(2, 0, 0, 1, 1, 1), products(6), Input.of(d, 1, 7, 2), Input.of(d, 3, 2, 3));
        c.op(conv1(1, 1, 2, 1, 1, 1), products(6), Input.of(d, 2, 5, 2), Input.of(d, 3, 2, 3));
        c.op(conv1(1, 0, 0, 2, 1, 1), products(6), Input.of(d, 1, 4, 2), Input.of(d, 3, 2, 1));
        c.op(conv1(1, 0, 0, 1, 2, 1), products(6), Input.of(d, 1, 8, 2), Input.of(d, 3, 2, 2));
        c.op(conv1(1, 0, 0, 1, 1, 2), products(6), Input.of(d, 1, 6, 4), Input.of(d, 3, 2, 4));
        c.op(conv1(2, 2, 1, 2, 3, 2), products(4), Input.of(d, 2, 5, 4), Input.of(d, 2, 2, 6));
        // 2-D: strides, padding, dilations, depthwise (groups == channels)
        c.op(new Convolution(ints(2, 1), ints(1, 0), ints(1, 2), ints(1, 1), ints(1, 1), 1), products(12),
                Input.of(d, 1, 5, 4, 2), Input.of(d, 3, 2, 2, 3));
        c.op(new Convolution(ints(1, 1), ints(0, 0), ints(0, 0), ints(2, 1), ints(1, 2), 1), products(8),
                Input.of(d, 1, 3, 6, 2), Input.of(d, 2, 2, 2, 2));
        c.op(new Convolution(ints(1, 1), ints(1, 1), ints(1, 1), ints(1, 1), ints(1, 1), 3), products(9),
                Input.of(d, 2, 4, 4, 3), Input.of(d, 3, 3, 1, 6));
        c.op(new Convolution(ints(1, 1), ints(0, 0), ints(0, 0), ints(1, 1), ints(1, 1), 1), products(1),
                Input.of(d, 1, 1, 1, 1), Input.of(d, 1, 1, 1, 1));
        // empty batch, and a kernel wider than the padded input (empty output)
        c.op(Convolution.simple(2), products(4), Input.of(d, 0, 3, 3, 1), Input.of(d, 2, 2, 1, 2));
        c.op(conv1(1, 1, 0, 1, 1, 1), products(4), Input.of(d, 1, 2, 1), Input.of(d, 4, 1, 2));
    }

    private static Convolution conv1(int stride, int lo, int hi, int lhsDil, int rhsDil, int groups) {
        return new Convolution(ints(stride), ints(lo), ints(hi), ints(lhsDil), ints(rhsDil), groups);
    }

    private static void selectAndScatter(CaseBuilder c, DType d, boolean all) {
        // operand values from a small grid, so windows contain ties: the first maximum wins
        c.op(new WindowOp.SelectAndScatter(ints(1, 2, 2, 1), ints(1, 2, 2, 1), ints(0, 0, 0, 0), ints(0, 0, 0, 0)), 2,
                Input.of(d, Domain.GRID, 2, 4, 4, 2), Input.of(d, 2, 2, 2, 2));
        if (!all) {
            return;
        }
        c.op(new WindowOp.SelectAndScatter(ints(1, 3, 3, 1), ints(1, 1, 1, 1), ints(0, 1, 1, 0), ints(0, 1, 1, 0)), 18,
                Input.of(d, Domain.GRID, 1, 4, 3, 1), Input.of(d, 1, 4, 3, 1));
        c.op(new WindowOp.SelectAndScatter(ints(3), ints(2), ints(1), ints(1)), 4, Input.of(d, 7), Input.of(d, 4));
        c.op(new WindowOp.SelectAndScatter(ints(2), ints(1), ints(0), ints(0)), 4, Input.of(d, 5), Input.of(d, 4));
        c.op(new WindowOp.SelectAndScatter(ints(2, 1), ints(2, 1), ints(0, 0), ints(0, 0)), 1, Input.of(d, 0, 3), Input.of(d, 0, 3));
    }

    private static void randomBits(CaseBuilder c) {
        long[][] keyCounter = {{0, 0}, {42, 7}, {-1, -1}, {0x1234_5678_9abcL, -3}, {Long.MIN_VALUE, 0xFFFF_FFFEL}};
        int[][] shapes = {{}, {5}, {2, 3}, {0}, {4, 4}};
        for (int i = 0; i < keyCounter.length; i++) {
            c.op(new RandomBits(Shape.of(shapes[i])), Input.fixed(HostTensor.ofLongs(new long[] {keyCounter[i][0]})),
                    Input.fixed(HostTensor.ofLongs(new long[] {keyCounter[i][1]})));
        }
        // Many chunks, a ragged last one, split across threads, counters carrying into the high word.
        c.op(new RandomBits(Shape.of(130, 257)), Input.fixed(HostTensor.ofLongs(new long[] {0x0BAD_F00D_1234L})),
                Input.fixed(HostTensor.ofLongs(new long[] {0xFFFF_C000L})));
    }
}
