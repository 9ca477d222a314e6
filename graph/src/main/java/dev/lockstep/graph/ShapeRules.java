package dev.lockstep.graph;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.util.Arrays;
import java.util.List;

/**
 * The one place where result types are inferred and operands are checked. Executors and lowerings
 * trust these rules. Failures are {@link IllegalArgumentException}s naming the op and the operand
 * types; the tracer adds the caller's source location.
 */
public final class ShapeRules {
    private ShapeRules() {}

    public static TensorType infer(Op op, List<TensorType> in) {
        int arity = op.arity();
        if (arity >= 0 && in.size() != arity) {
            throw fail(op, in, "expects " + arity + " operands, got " + in.size());
        }
        return switch (op) {
            case LeafOp.Parameter p -> p.type();
            case LeafOp.Constant c -> c.type();
            case LeafOp.Iota i -> {
                check(i.axis() >= 0 && i.axis() < i.type().rank(), op, in, "axis out of range for " + i.type());
                check(!i.type().dtype().isBool(), op, in, "iota cannot produce bool");
                yield i.type();
            }
            case UnaryOp.Convert c -> in.get(0).withDType(c.to());
            case UnaryOp u -> {
                DType d = in.get(0).dtype();
                check(!d.isBool(), op, in, "needs a numeric operand");
                check(!u.floatOnly() || d.isFloating(), op, in, "needs a floating-point operand");
                yield in.get(0);
            }
            case BinaryOp b -> {
                check(in.get(0).equals(in.get(1)), op, in,
                        "operands must have identical types (broadcast explicitly)");
                boolean isCompare = b instanceof BinaryOp.Compare;
                check(isCompare || !in.get(0).dtype().isBool(), op, in, "needs numeric operands");
                yield isCompare ? in.get(0).withDType(DType.BOOL) : in.get(0);
            }
            case Select s -> {
                check(in.get(0).dtype() == DType.BOOL, op, in, "predicate must be bool");
                check(in.get(0).shape().equals(in.get(1).shape()), op, in, "predicate shape must match branches");
                check(in.get(1).equals(in.get(2)), op, in, "branches must have identical types");
                yield in.get(1);
            }
            case LayoutOp l -> LayoutRules.infer(l, in);
            case IndexOp x -> IndexRules.infer(x, in);
            case DotGeneral d -> dotGeneral(d, in);
            case Convolution c -> convolution(c, in);
            case ReduceOp.Reduce r -> {
                TensorType t = in.get(0);
                check(!t.dtype().isBool(), op, in, "cannot reduce bool");
                int[] axes = r.axes();
                checkAxes(axes, t.rank(), op, in);
                yield t.withShape(removeAxes(t.shape(), axes));
            }
            case ReduceOp.ArgMax a -> {
                TensorType t = in.get(0);
                check(a.axis() >= 0 && a.axis() < t.rank(), op, in, "axis out of range");
                check(a.indexType().isInteger(), op, in, "index type must be i32 or i64");
                check(!t.dtype().isBool(), op, in, "needs a numeric operand");
                yield new TensorType(a.indexType(), removeAxes(t.shape(), new int[] {a.axis()}));
            }
            case WindowOp.ReduceWindow w -> {
                check(!in.get(0).dtype().isBool(), op, in, "needs a numeric operand");
                yield in.get(0).withShape(window(op, in, in.get(0).shape(), w.window(), w.strides(), w.padLow(), w.padHigh()));
            }
            case WindowOp.SelectAndScatter s -> {
                Shape expected = window(op, in, in.get(0).shape(), s.window(), s.strides(), s.padLow(), s.padHigh());
                check(in.get(1).shape().equals(expected), op, in, "source must have the pooled shape " + expected);
                check(in.get(0).dtype() == in.get(1).dtype() && in.get(0).dtype().isFloating(), op, in,
                        "operand and source must be the same floating type");
                yield in.get(0);
            }
            case AllReduce a -> {
                check(!in.get(0).dtype().isBool(), op, in, "cannot sum bool across replicas");
                yield in.get(0);
            }
            case RandomBits r -> {
                for (TensorType t : in) {
                    check(t.equals(TensorType.of(DType.I64)), op, in, "key and counter must be i64 scalars");
                }
                yield new TensorType(DType.I32, r.shape());
            }
        };
    }

    private static TensorType dotGeneral(DotGeneral d, List<TensorType> in) {
        TensorType l = in.get(0), r = in.get(1);
        check(l.dtype() == r.dtype() && !l.dtype().isBool(), d, in, "operands must share a numeric dtype");
        check(d.lhsBatch().length == d.rhsBatch().length, d, in, "batch dimension counts differ");
        check(d.lhsContracting().length == d.rhsContracting().length, d, in, "contracting dimension counts differ");
        boolean[] lUsed = new boolean[l.rank()], rUsed = new boolean[r.rank()];
        int[] out = new int[l.rank() + r.rank() - 2 * d.lhsBatch().length - 2 * d.lhsContracting().length
                + d.lhsBatch().length];
        int k = 0;
        for (int i = 0; i < d.lhsBatch().length; i++) {
            int a = d.lhsBatch()[i], b = d.rhsBatch()[i];
            mark(lUsed, a, d, in);
            mark(rUsed, b, d, in);
            check(l.shape().dim(a) == r.shape().dim(b), d, in, "batch dimension " + a + "/" + b + " sizes differ");
            out[k++] = l.shape().dim(a);
        }
        for (int i = 0; i < d.lhsContracting().length; i++) {
            int a = d.lhsContracting()[i], b = d.rhsContracting()[i];
            mark(lUsed, a, d, in);
            mark(rUsed, b, d, in);
            check(l.shape().dim(a) == r.shape().dim(b), d, in,
                    "contracting dimension " + a + "/" + b + " sizes differ");
        }
        for (int i = 0; i < l.rank(); i++) {
            if (!lUsed[i]) {
                out[k++] = l.shape().dim(i);
            }
        }
        for (int i = 0; i < r.rank(); i++) {
            if (!rUsed[i]) {
                out[k++] = r.shape().dim(i);
            }
        }
        return l.withShape(Shape.of(out));
    }

    private static void mark(boolean[] used, int axis, Op op, List<TensorType> in) {
        check(axis >= 0 && axis < used.length && !used[axis], op, in, "dimension " + axis + " invalid or repeated");
        used[axis] = true;
    }

    private static TensorType convolution(Convolution c, List<TensorType> in) {
        TensorType x = in.get(0), w = in.get(1);
        int s = c.spatialRank();
        check(s == 1 || s == 2, c, in, "only 1-D and 2-D convolutions are supported");
        check(c.padLow().length == s && c.padHigh().length == s && c.lhsDilation().length == s
                && c.rhsDilation().length == s, c, in, "attribute lengths must equal the spatial rank " + s);
        check(x.rank() == s + 2 && w.rank() == s + 2, c, in, "input and kernel must have rank " + (s + 2));
        check(x.dtype() == w.dtype() && x.dtype().isFloating(), c, in, "operands must share a floating dtype");
        int groups = c.featureGroupCount();
        int cin = x.shape().dim(s + 1), cout = w.shape().dim(s + 1);
        check(groups >= 1 && cin % groups == 0 && cout % groups == 0, c, in,
                "feature_group_count " + groups + " must divide input channels " + cin + " and output channels " + cout);
        check(w.shape().dim(s) * groups == cin, c, in,
                "kernel input channels " + w.shape().dim(s) + " x groups " + groups + " != input channels " + cin);
        int[] out = new int[s + 2];
        out[0] = x.shape().dim(0);
        out[s + 1] = cout;
        for (int i = 0; i < s; i++) {
            check(c.strides()[i] >= 1 && c.lhsDilation()[i] >= 1 && c.rhsDilation()[i] >= 1, c, in,
                    "strides and dilations must be >= 1");
            check(c.padLow()[i] >= 0 && c.padHigh()[i] >= 0, c, in, "padding must be >= 0");
            int n = x.shape().dim(i + 1);
            int dilated = n == 0 ? 0 : (n - 1) * c.lhsDilation()[i] + 1;
            int padded = dilated + c.padLow()[i] + c.padHigh()[i];
            int k = w.shape().dim(i);
            check(k >= 1, c, in, "kernel spatial size must be >= 1");
            int kd = (k - 1) * c.rhsDilation()[i] + 1;
            out[i + 1] = padded < kd ? 0 : (padded - kd) / c.strides()[i] + 1;
        }
        return x.withShape(Shape.of(out));
    }

    static Shape window(Op op, List<TensorType> in, Shape x, int[] window, int[] strides, int[] lo, int[] hi) {
        int r = x.rank();
        check(window.length == r && strides.length == r && lo.length == r && hi.length == r, op, in,
                "window, strides and padding need one entry per dimension (" + r + ")");
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            check(window[i] >= 1 && strides[i] >= 1 && lo[i] >= 0 && hi[i] >= 0, op, in,
                    "window and strides must be >= 1 and padding >= 0");
            int padded = x.dim(i) + lo[i] + hi[i];
            out[i] = padded < window[i] ? 0 : (padded - window[i]) / strides[i] + 1;
        }
        return Shape.of(out);
    }

    static Shape removeAxes(Shape s, int[] axes) {
        int[] out = new int[s.rank() - axes.length];
        int k = 0;
        outer:
        for (int i = 0; i < s.rank(); i++) {
            for (int a : axes) {
                if (a == i) {
                    continue outer;
                }
            }
            out[k++] = s.dim(i);
        }
        return Shape.of(out);
    }

    static void checkAxes(int[] axes, int rank, Op op, List<TensorType> in) {
        boolean[] seen = new boolean[rank];
        for (int a : axes) {
            check(a >= 0 && a < rank && !seen[a], op, in, "axes " + Arrays.toString(axes) + " invalid for rank " + rank);
            seen[a] = true;
        }
    }

    static void check(boolean ok, Op op, List<TensorType> in, String problem) {
        if (!ok) {
            throw fail(op, in, problem);
        }
    }

    static IllegalArgumentException fail(Op op, List<TensorType> in, String problem) {
        return new IllegalArgumentException(OpKind.describe(op) + ": " + problem + "; operands " + in);
    }
}
