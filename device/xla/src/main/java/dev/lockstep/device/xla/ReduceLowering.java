package dev.lockstep.device.xla;

import static dev.lockstep.device.xla.Literals.i64s;

import dev.lockstep.graph.BinaryOp.Direction;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.ReduceOp;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import dev.lockstep.graph.WindowOp;
import dev.lockstep.tensor.TensorType;
import java.util.List;

/** Ops with combiner regions: reduce, argmax (a two-operand reduce), reduce_window, select_and_scatter. */
final class ReduceLowering {
    private ReduceLowering() {}

    static String lower(MlirWriter w, Node n, ReduceOp op, String x) {
        return switch (op) {
            case ReduceOp.Reduce r -> {
                TensorType scalar = scalarOf(w, x);
                String init = w.scalar(scalar.dtype(), identity(r.reduction(), scalar.dtype()));
                yield w.regionOp("stablehlo.reduce", List.of(x, init), List.of(n.type()), "dimensions = " + i64s(r.axes()),
                        List.of(scalar, scalar), args -> List.of(combine(w, r.reduction(), args.get(0), args.get(1))))
                        .getFirst();
            }
            case ReduceOp.ArgMax a -> argMax(w, n, a, x);
        };
    }

    /**
     * A sum over every replica. The module is compiled for one replica here (replica group [[0]]), as
     * the runtimes of this module run one; a multi-replica runtime would list every replica.
     */
    static String allReduce(MlirWriter w, Node n, String x) {
        TensorType scalar = scalarOf(w, x);
        return w.regionOp("stablehlo.all_reduce", List.of(x), List.of(n.type()),
                "replica_groups = dense<0> : tensor<1x1xi64>", List.of(scalar, scalar),
                args -> List.of(w.op("stablehlo.add", scalar, "", args.get(0), args.get(1)))).getFirst();
    }

    static String window(MlirWriter w, Node n, WindowOp op, List<String> in) {
        String x = in.getFirst();
        TensorType scalar = scalarOf(w, x);
        return switch (op) {
            case WindowOp.ReduceWindow r -> {
                String init = w.scalar(scalar.dtype(), identity(r.reduction(), scalar.dtype()));
                String attrs = "window_dimensions = " + i64s(r.window()) + ", window_strides = " + i64s(r.strides())
                        + ", padding = " + Literals.padding(r.padLow(), r.padHigh());
                yield w.regionOp("stablehlo.reduce_window", List.of(x, init), List.of(n.type()), attrs,
                        List.of(scalar, scalar), args -> List.of(combine(w, r.reduction(), args.get(0), args.get(1))))
                        .getFirst();
            }
            case WindowOp.SelectAndScatter s -> {
                String init = w.scalar(scalar.dtype(), 0);
                String attrs = "window_dimensions = " + i64s(s.window()) + ", window_strides = " + i64s(s.strides())
                        + ", padding = " + Literals.padding(s.padLow(), s.padHigh());
                yield w.regionOp("stablehlo.select_and_scatter", List.of(x, in.get(1), init), List.of(n.type()), attrs,
                        List.of(scalar, scalar),
                        args -> List.of(ElementwiseLowering.compare(w, Direction.GE, args.get(0), args.get(1))),
                        args -> List.of(w.op("stablehlo.add", scalar, "", args.get(0), args.get(1)))).getFirst();
            }
        };
    }

    /**
     * Argmax as a reduce over (value, index) pairs. The combiner is a total order, so it is
     * commutative and associative as reduce requires: NaN ranks above every number (the first NaN
     * wins, as in NumPy), and among equal values the smaller index wins. The init pair is (lowest
     * value, index 0), which never beats a real element except by tying it at index 0.
     */
    private static String argMax(MlirWriter w, Node n, ReduceOp.ArgMax a, String x) {
        TensorType in = w.typeOf(x);
        DType d = in.dtype();
        DType idx = a.indexType();
        TensorType vs = new TensorType(d, Shape.scalar());
        TensorType is = new TensorType(idx, Shape.scalar());
        String iota = w.op("stablehlo.iota", in.withDType(idx), "iota_dimension = " + a.axis() + " : i64");
        String initV = w.scalar(d, identity(ReduceOp.Reduction.MAX, d));
        String initI = w.scalar(idx, 0);
        TensorType values = n.type().withDType(d);
        List<String> r = w.regionOp("stablehlo.reduce", List.of(x, iota, initV, initI), List.of(values, n.type()),
                "dimensions = " + i64s(a.axis()), List.of(vs, is, vs, is), args -> {
                    String av = args.get(0), ai = args.get(1), bv = args.get(2), bi = args.get(3);
                    String gt = ElementwiseLowering.compare(w, Direction.GT, av, bv);
                    String eq = ElementwiseLowering.compare(w, Direction.EQ, av, bv);
                    if (d.isFloating()) {
                        String aNan = ElementwiseLowering.compare(w, Direction.NE, av, av);
                        String bNan = ElementwiseLowering.compare(w, Direction.NE, bv, bv);
                        String bNum = w.op("stablehlo.not", w.typeOf(bNan), "", bNan);
                        gt = ElementwiseLowering.or(w, gt, ElementwiseLowering.and(w, aNan, bNum));
                        eq = ElementwiseLowering.or(w, eq, ElementwiseLowering.and(w, aNan, bNan));
                    }
                    String lower = ElementwiseLowering.compare(w, Direction.LT, ai, bi);
                    String pick = ElementwiseLowering.or(w, gt, ElementwiseLowering.and(w, eq, lower));
                    return List.of(w.op("stablehlo.select", vs, "", pick, av, bv),
                            w.op("stablehlo.select", is, "", pick, ai, bi));
                });
        return r.get(1);
    }

    private static String combine(MlirWriter w, ReduceOp.Reduction r, String a, String b) {
        return switch (r) {
            case SUM -> w.op("stablehlo.add", w.typeOf(a), "", a, b);
            case MAX -> ElementwiseLowering.extremum(w, "stablehlo.maximum", a, b);
            case MIN -> ElementwiseLowering.extremum(w, "stablehlo.minimum", a, b);
        };
    }

    /** The reduction's identity in {@code d}: integer max/min start from the type's extremes. */
    static double identity(ReduceOp.Reduction r, DType d) {
        if (d.isFloating() || r == ReduceOp.Reduction.SUM) {
            return r.identity();
        }
        boolean max = r == ReduceOp.Reduction.MAX;
        return switch (d) {
            case I32 -> max ? Integer.MIN_VALUE : Integer.MAX_VALUE;
            case I64 -> max ? Long.MIN_VALUE : Long.MAX_VALUE;
            case F32, F64, BF16, F16, BOOL -> throw new IllegalArgumentException("no " + r + " identity for " + d);
        };
    }

    private static TensorType scalarOf(MlirWriter w, String x) {
        return new TensorType(w.typeOf(x).dtype(), Shape.scalar());
    }
}
