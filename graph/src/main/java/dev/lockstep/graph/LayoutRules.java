package dev.lockstep.graph;

import dev.lockstep.tensor.Shape;
import static dev.lockstep.graph.ShapeRules.check;
import static dev.lockstep.graph.ShapeRules.checkAxes;

import dev.lockstep.tensor.TensorType;
import java.util.List;

/** Shape rules of the layout family (see {@link ShapeRules}). */
final class LayoutRules {
    private LayoutRules() {}

    static TensorType infer(LayoutOp op, List<TensorType> in) {
        TensorType x = in.get(0);
        Shape s = x.shape();
        return switch (op) {
            case LayoutOp.BroadcastInDim b -> {
                int[] dims = b.dims();
                check(dims.length == s.rank(), op, in, "needs one target dimension per operand dimension");
                int prev = -1;
                for (int i = 0; i < dims.length; i++) {
                    check(dims[i] > prev && dims[i] < b.shape().rank(), op, in, "dims must be increasing and < result rank");
                    check(s.dim(i) == 1 || s.dim(i) == b.shape().dim(dims[i]), op, in,
                            "operand dimension " + i + " (" + s.dim(i) + ") cannot broadcast to " + b.shape().dim(dims[i]));
                    prev = dims[i];
                }
                yield x.withShape(b.shape());
            }
            case LayoutOp.Reshape r -> {
                check(r.shape().size() == s.size(), op, in, "element count " + s.size() + " != " + r.shape().size());
                yield x.withShape(r.shape());
            }
            case LayoutOp.Transpose t -> {
                int[] p = t.permutation();
                check(p.length == s.rank(), op, in, "permutation length must equal rank " + s.rank());
                checkAxes(p, s.rank(), op, in);
                int[] out = new int[p.length];
                for (int i = 0; i < p.length; i++) {
                    out[i] = s.dim(p[i]);
                }
                yield x.withShape(Shape.of(out));
            }
            case LayoutOp.Slice sl -> {
                int r = s.rank();
                check(sl.start().length == r && sl.limit().length == r && sl.strides().length == r, op, in,
                        "start, limit and strides need one entry per dimension (" + r + ")");
                int[] out = new int[r];
                for (int i = 0; i < r; i++) {
                    int a = sl.start()[i], b = sl.limit()[i], st = sl.strides()[i];
                    check(0 <= a && a <= b && b <= s.dim(i) && st >= 1, op, in,
                            "dimension " + i + ": need 0 <= start <= limit <= " + s.dim(i) + " and stride >= 1");
                    out[i] = (b - a + st - 1) / st;
                }
                yield x.withShape(Shape.of(out));
            }
            case LayoutOp.DynamicSlice d -> {
                int r = s.rank();
                check(in.size() == r + 1, op, in, "needs the operand and " + r + " start indices");
                check(d.sizes().length == r, op, in, "sizes need one entry per dimension");
                for (int i = 0; i < r; i++) {
                    TensorType t = in.get(i + 1);
                    check(t.rank() == 0 && t.dtype().isInteger(), op, in, "start index " + i + " must be an integer scalar");
                    check(d.sizes()[i] >= 0 && d.sizes()[i] <= s.dim(i), op, in, "size " + i + " exceeds the dimension");
                }
                yield x.withShape(Shape.of(d.sizes()));
            }
            case LayoutOp.Concatenate c -> {
                check(!in.isEmpty(), op, in, "needs at least one operand");
                int axis = c.axis();
                check(axis >= 0 && axis < s.rank(), op, in, "axis out of range");
                int total = 0;
                for (TensorType t : in) {
                    check(t.dtype() == x.dtype() && t.rank() == s.rank(), op, in, "operands must share dtype and rank");
                    for (int i = 0; i < s.rank(); i++) {
                        check(i == axis || t.shape().dim(i) == s.dim(i), op, in, "non-axis dimension " + i + " differs");
                    }
                    total += t.shape().dim(axis);
                }
                int[] out = s.dims();
                out[axis] = total;
                yield x.withShape(Shape.of(out));
            }
            case LayoutOp.Pad p -> {
                int r = s.rank();
                check(in.get(1).equals(new TensorType(x.dtype(), Shape.scalar())), op, in,
                        "padding value must be a scalar of the operand's dtype");
                check(p.low().length == r && p.high().length == r && p.interior().length == r, op, in,
                        "low, high and interior need one entry per dimension (" + r + ")");
                int[] out = new int[r];
                for (int i = 0; i < r; i++) {
                    check(p.low()[i] >= 0 && p.high()[i] >= 0 && p.interior()[i] >= 0, op, in, "padding must be >= 0");
                    int n = s.dim(i);
                    out[i] = p.low()[i] + p.high()[i] + n + Math.max(0, n - 1) * p.interior()[i];
                }
                yield x.withShape(Shape.of(out));
            }
            case LayoutOp.Reverse rv -> {
                checkAxes(rv.axes(), s.rank(), op, in);
                yield x;
            }
        };
    }
}
