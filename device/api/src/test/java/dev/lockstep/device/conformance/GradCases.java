package dev.lockstep.device.conformance;

import static dev.lockstep.device.conformance.CaseBuilder.ints;
import static dev.lockstep.tensor.DType.F64;

import dev.lockstep.device.conformance.Input.Domain;
import dev.lockstep.graph.BinaryOp;
import dev.lockstep.graph.Convolution;
import dev.lockstep.graph.DotGeneral;
import dev.lockstep.graph.IndexOp;
import dev.lockstep.graph.LayoutOp;
import dev.lockstep.graph.Op;
import dev.lockstep.graph.OpKind;
import dev.lockstep.graph.ReduceOp;
import dev.lockstep.graph.ReduceOp.Reduction;
import dev.lockstep.graph.Select;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.UnaryOp;
import dev.lockstep.graph.WindowOp;
import dev.lockstep.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The gradient-check table: every differentiable op kind on f64 inputs chosen away from kinks
 * (no ties for max, |x| >= 0.5 for abs, positive bases for log, sqrt and power), small enough
 * that each element can be perturbed for central differences.
 */
final class GradCases {
    private GradCases() {}

    private static final class Table {
        final List<GradCase> cases = new ArrayList<>();

        /** {@code op} on one parameter per input, all of them differentiated. */
        void op(Op op, Input... in) {
            List<Boolean> wrt = new ArrayList<>();
            for (Input i : in) {
                wrt.add(i.type().dtype() == F64);
            }
            cases.add(new GradCase(OpKind.of(op), OpKind.describe(op), List.of(in), wrt, (b, p) -> b.add(op, p)));
        }

        void add(OpKind kind, String note, List<Input> in, CaseBuilder.Body body) {
            List<Boolean> wrt = in.stream().map(i -> i.type().dtype() == F64).toList();
            cases.add(new GradCase(kind, note, in, wrt, body));
        }
    }

    static List<GradCase> all() {
        Table t = new Table();
        elementwise(t);
        layout(t);
        index(t);
        compute(t);
        return List.copyOf(t.cases);
    }

    private static Input f64(int... dims) {
        return Input.of(F64, dims);
    }

    private static Input f64(Domain d, int... dims) {
        return Input.of(F64, d, dims);
    }

    private static void elementwise(Table t) {
        t.op(new UnaryOp.Negate(), f64(2, 3));
        t.op(new UnaryOp.Abs(), f64(Domain.NONZERO, 2, 3));
        t.op(new UnaryOp.Exp(), f64(2, 3));
        t.op(new UnaryOp.Log(), f64(Domain.POSITIVE, 2, 3));
        t.op(new UnaryOp.Log1p(), f64(Domain.POSITIVE, 2, 3));
        t.op(new UnaryOp.Sqrt(), f64(Domain.POSITIVE, 2, 3));
        t.op(new UnaryOp.Rsqrt(), f64(Domain.POSITIVE, 2, 3));
        t.op(new UnaryOp.Tanh(), f64(2, 3));
        t.op(new UnaryOp.Logistic(), f64(2, 3));
        t.op(new UnaryOp.Sign(), f64(Domain.NONZERO, 2, 3));
        t.op(new UnaryOp.Floor(), f64(Domain.WIDE, 2, 3));
        t.op(new UnaryOp.Ceil(), f64(Domain.WIDE, 2, 3));
        t.op(new UnaryOp.Convert(F64), f64(2, 3));
        t.op(new UnaryOp.Exp(), f64());
        for (Op op : List.of(new BinaryOp.Add(), new BinaryOp.Subtract(), new BinaryOp.Multiply(),
                new BinaryOp.Maximum(), new BinaryOp.Minimum())) {
            t.op(op, f64(2, 3), f64(2, 3));
        }
        t.op(new BinaryOp.Divide(), f64(2, 3), f64(Domain.NONZERO, 2, 3));
        t.op(new BinaryOp.Power(), f64(Domain.POSITIVE, 2, 3), f64(2, 3));
        t.op(new Select(), Input.of(DType.BOOL, 2, 3), f64(2, 3), f64(2, 3));
        Shape target = Shape.of(3, 4);
        // broadcasting: the gradient of a broadcast operand sums over the broadcast dimensions
        t.add(OpKind.MULTIPLY, "broadcast [3,1] x [1,4]", List.of(f64(3, 1), f64(1, 4)), (b, p) -> b.add(
                new BinaryOp.Multiply(), ElementwiseCases.broadcast(b, p.get(0), target, 0, 1),
                ElementwiseCases.broadcast(b, p.get(1), target, 0, 1)));
        t.add(OpKind.DIVIDE, "broadcast scalar / [3,4]", List.of(f64(), f64(Domain.NONZERO, 3, 4)), (b, p) -> b.add(
                new BinaryOp.Divide(), ElementwiseCases.broadcast(b, p.get(0), target), p.get(1)));
    }

    private static void layout(Table t) {
        t.op(new LayoutOp.BroadcastInDim(Shape.of(2, 3, 4), ints(0, 2)), f64(2, 4));
        t.op(new LayoutOp.BroadcastInDim(Shape.of(2, 3), ints()), f64());
        t.op(new LayoutOp.BroadcastInDim(Shape.of(2, 3), ints(0, 1)), f64(1, 3));
        t.op(new LayoutOp.Reshape(Shape.of(3, 2)), f64(2, 3));
        t.op(new LayoutOp.Transpose(ints(2, 0, 1)), f64(2, 3, 2));
        t.op(new LayoutOp.Slice(ints(1, 0), ints(4, 5), ints(2, 2)), f64(4, 5));
        t.add(OpKind.DYNAMIC_SLICE, "starts (1, 9) clamp to (1, 2)",
                List.of(f64(3, 5), Input.range(DType.I32, 1, 1), Input.range(DType.I32, 9, 9)),
                (b, p) -> b.add(new LayoutOp.DynamicSlice(ints(2, 3)), p));
        t.op(new LayoutOp.Concatenate(1), f64(2, 3), f64(2, 1), f64(2, 2));
        t.op(new LayoutOp.Pad(ints(1, 0), ints(0, 2), ints(1, 1)), f64(2, 3), f64());
        t.op(new LayoutOp.Reverse(ints(0, 1)), f64(2, 3));
    }

    private static void index(Table t) {
        // embedding lookup with repeated and clamped ids: the table gradient accumulates
        t.op(new IndexOp.Gather(ints(1), ints(0), ints(0), 1, ints(1, 3)), f64(4, 3), Input.range(DType.I32, -1, 5, 6));
        t.op(new IndexOp.Gather(ints(1, 2), ints(), ints(1, 0), 1, ints(2, 2)), f64(4, 5), Input.range(DType.I64, 0, 4, 3, 2));
        t.op(new IndexOp.Gather(ints(), ints(0, 1), ints(0, 1), 1, ints(1, 1)), f64(3, 4), Input.range(DType.I32, 0, 3, 5, 2));
        t.op(new IndexOp.ScatterAdd(ints(1), ints(0), ints(0), 1), f64(5, 3), Input.range(DType.I32, -1, 5, 6, 1), f64(6, 3));
        t.op(new IndexOp.ScatterAdd(ints(1, 2), ints(), ints(0, 1), 1), f64(4, 4), Input.range(DType.I32, 0, 3, 4, 2), f64(4, 2, 2));
    }

    private static void compute(Table t) {
        t.op(new dev.lockstep.graph.AllReduce(), f64(2, 3));
        t.op(DotGeneral.matmul(), f64(3, 4), f64(4, 2));
        t.op(new DotGeneral(ints(0), ints(0), ints(2), ints(1)), f64(2, 3, 4), f64(2, 4, 2));
        t.op(new DotGeneral(ints(1), ints(1), ints(0), ints(2)), f64(3, 2, 2), f64(2, 2, 3));
        t.op(Convolution.simple(1), f64(2, 5, 2), f64(3, 2, 3));
        t.op(new Convolution(ints(2), ints(1), ints(2), ints(1), ints(1), 1), f64(1, 6, 2), f64(3, 2, 2));
        t.op(new Convolution(ints(1), ints(0), ints(0), ints(2), ints(2), 1), f64(1, 4, 1), f64(2, 1, 2));
        t.op(new Convolution(ints(1), ints(1), ints(1), ints(1), ints(1), 2), f64(1, 4, 4), f64(3, 2, 4));
        t.op(Convolution.simple(2), f64(1, 4, 3, 2), f64(2, 2, 2, 2));
        t.op(new Convolution(ints(2, 1), ints(1, 0), ints(0, 1), ints(1, 1), ints(1, 2), 1), f64(1, 4, 4, 1), f64(2, 2, 1, 2));
        t.op(new Convolution(ints(1, 1), ints(0, 0), ints(0, 0), ints(2, 1), ints(1, 1), 1), f64(1, 3, 2, 2), f64(2, 2, 2, 1));
        t.op(new Convolution(ints(1, 1), ints(1, 1), ints(1, 1), ints(1, 1), ints(1, 1), 2), f64(1, 3, 3, 2), f64(3, 3, 1, 4));
        for (Reduction r : Reduction.values()) {
            t.op(new ReduceOp.Reduce(r, ints(1)), f64(3, 4));
            t.op(new ReduceOp.Reduce(r, ints(0, 2)), f64(2, 3, 2));
        }
        t.op(new WindowOp.ReduceWindow(Reduction.MAX, ints(1, 2, 2, 1), ints(1, 2, 2, 1), ints(0, 0, 0, 0), ints(0, 0, 0, 0)),
                f64(1, 4, 4, 2));
        t.op(new WindowOp.ReduceWindow(Reduction.MAX, ints(3, 3), ints(1, 1), ints(1, 1), ints(1, 1)), f64(3, 4));
        t.op(new WindowOp.ReduceWindow(Reduction.SUM, ints(1, 3, 3, 1), ints(1, 2, 1, 1), ints(0, 1, 1, 0), ints(0, 1, 1, 0)),
                f64(1, 5, 3, 2));
        t.op(new WindowOp.ReduceWindow(Reduction.MIN, ints(2), ints(1), ints(0), ints(0)), f64(6));
        t.op(new WindowOp.SelectAndScatter(ints(1, 2, 2, 1), ints(1, 2, 2, 1), ints(0, 0, 0, 0), ints(0, 0, 0, 0)),
                f64(1, 4, 4, 1), f64(1, 2, 2, 1));
        t.op(new WindowOp.SelectAndScatter(ints(3), ints(1), ints(1), ints(1)), f64(5), f64(5));
    }
}
