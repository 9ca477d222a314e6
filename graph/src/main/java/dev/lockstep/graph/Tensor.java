package dev.lockstep.graph;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * A symbolic value while tracing, with a fluent API. Binary methods broadcast NumPy-style by
 * inserting {@code broadcast_in_dim}; the graph itself never broadcasts implicitly. Composite
 * functions (softmax and friends) live in {@link Functions}.
 */
public final class Tensor {
    private final GraphBuilder builder;
    private final Node node;

    Tensor(GraphBuilder builder, Node node) {
        this.builder = builder;
        this.node = node;
    }

    public Node node() {
        return node;
    }

    public GraphBuilder builder() {
        return builder;
    }

    public TensorType type() {
        return node.type();
    }

    public Shape shape() {
        return node.shape();
    }

    public DType dtype() {
        return node.dtype();
    }

    public int rank() {
        return node.shape().rank();
    }

    private Tensor op(Op op, Tensor... operands) {
        List<Node> nodes = new ArrayList<>(operands.length);
        for (Tensor t : operands) {
            nodes.add(t.node);
        }
        return new Tensor(builder, builder.add(op, nodes));
    }

    private Tensor unary(Op op) {
        return op(op, this);
    }

    /** A scalar constant of this tensor's dtype. */
    public Tensor scalar(double v) {
        return builder.constant(v, dtype());
    }

    // ---- elementwise binary, broadcasting ----

    private Tensor binary(Op op, Tensor other) {
        Shape s = broadcastShape(shape(), other.shape());
        return op(op, broadcastTo(s), other.broadcastTo(s));
    }

    public Tensor add(Tensor o) { return binary(new BinaryOp.Add(), o); }
    public Tensor sub(Tensor o) { return binary(new BinaryOp.Subtract(), o); }
    public Tensor mul(Tensor o) { return binary(new BinaryOp.Multiply(), o); }
    public Tensor div(Tensor o) { return binary(new BinaryOp.Divide(), o); }
    public Tensor max(Tensor o) { return binary(new BinaryOp.Maximum(), o); }
    public Tensor min(Tensor o) { return binary(new BinaryOp.Minimum(), o); }
    public Tensor pow(Tensor o) { return binary(new BinaryOp.Power(), o); }
    public Tensor add(double v) { return add(scalar(v)); }
    public Tensor sub(double v) { return sub(scalar(v)); }
    public Tensor mul(double v) { return mul(scalar(v)); }
    public Tensor div(double v) { return div(scalar(v)); }
    public Tensor max(double v) { return max(scalar(v)); }
    public Tensor min(double v) { return min(scalar(v)); }
    public Tensor pow(double v) { return pow(scalar(v)); }

    public Tensor compare(BinaryOp.Direction d, Tensor o) { return binary(new BinaryOp.Compare(d), o); }
    public Tensor eq(Tensor o) { return compare(BinaryOp.Direction.EQ, o); }
    public Tensor ne(Tensor o) { return compare(BinaryOp.Direction.NE, o); }
    public Tensor lt(Tensor o) { return compare(BinaryOp.Direction.LT, o); }
    public Tensor le(Tensor o) { return compare(BinaryOp.Direction.LE, o); }
    public Tensor gt(Tensor o) { return compare(BinaryOp.Direction.GT, o); }
    public Tensor ge(Tensor o) { return compare(BinaryOp.Direction.GE, o); }
    public Tensor gt(double v) { return gt(scalar(v)); }
    public Tensor ge(double v) { return ge(scalar(v)); }
    public Tensor lt(double v) { return lt(scalar(v)); }

    /** {@code this ? onTrue : onFalse} elementwise; this must be bool. All three broadcast. */
    public Tensor select(Tensor onTrue, Tensor onFalse) {
        Shape s = broadcastShape(broadcastShape(shape(), onTrue.shape()), onFalse.shape());
        return op(new Select(), broadcastTo(s), onTrue.broadcastTo(s), onFalse.broadcastTo(s));
    }

    // ---- elementwise unary ----

    public Tensor neg() { return unary(new UnaryOp.Negate()); }
    public Tensor abs() { return unary(new UnaryOp.Abs()); }
    public Tensor exp() { return unary(new UnaryOp.Exp()); }
    public Tensor log() { return unary(new UnaryOp.Log()); }
    public Tensor log1p() { return unary(new UnaryOp.Log1p()); }
    public Tensor sqrt() { return unary(new UnaryOp.Sqrt()); }
    public Tensor rsqrt() { return unary(new UnaryOp.Rsqrt()); }
    public Tensor tanh() { return unary(new UnaryOp.Tanh()); }
    public Tensor sigmoid() { return unary(new UnaryOp.Logistic()); }
    public Tensor sign() { return unary(new UnaryOp.Sign()); }
    public Tensor floor() { return unary(new UnaryOp.Floor()); }
    public Tensor ceil() { return unary(new UnaryOp.Ceil()); }
    public Tensor square() { return mul(this); }
    public Tensor relu() { return max(0.0); }

    /** The element-wise sum of this tensor over every replica of the step ({@link AllReduce}). */
    public Tensor sumOverReplicas() { return unary(new AllReduce()); }

    public Tensor cast(DType to) {
        return to == dtype() ? this : unary(new UnaryOp.Convert(to));
    }

    // ---- layout ----

    public Tensor reshape(int... dims) {
        Shape s = Shape.of(dims);
        return s.equals(shape()) ? this : unary(new LayoutOp.Reshape(s));
    }

    public Tensor transpose(int... permutation) {
        return unary(new LayoutOp.Transpose(permutation));
    }

    /** Swaps the last two dimensions. */
    public Tensor t() {
        int r = rank();
        if (r < 2) {
            throw new IllegalArgumentException("t() needs rank >= 2, got " + type() + " (at " + GraphBuilder.callerSite() + ")");
        }
        int[] p = new int[r];
        for (int i = 0; i < r; i++) {
            p[i] = i;
        }
        p[r - 2] = r - 1;
        p[r - 1] = r - 2;
        return transpose(p);
    }

    public Tensor broadcastInDim(Shape s, int... dims) {
        return unary(new LayoutOp.BroadcastInDim(s, dims));
    }

    /** NumPy-style broadcast to {@code target} (trailing dimensions aligned). */
    public Tensor broadcastTo(Shape target) {
        if (shape().equals(target)) {
            return this;
        }
        int off = target.rank() - rank();
        if (off < 0) {
            throw new IllegalArgumentException("cannot broadcast " + type() + " to " + target
                    + " (at " + GraphBuilder.callerSite() + ")");
        }
        int[] dims = new int[rank()];
        for (int i = 0; i < rank(); i++) {
            dims[i] = i + off;
        }
        return broadcastInDim(target, dims);
    }

    public Tensor broadcastTo(int... dims) {
        return broadcastTo(Shape.of(dims));
    }

    public Tensor slice(int[] start, int[] limit, int[] strides) {
        return unary(new LayoutOp.Slice(start, limit, strides));
    }

    /** Elements {@code [from, to)} along one axis. */
    public Tensor slice(int axis, int from, int to) {
        int[] start = new int[rank()], limit = shape().dims(), strides = new int[rank()];
        java.util.Arrays.fill(strides, 1);
        start[axis] = from;
        limit[axis] = to;
        return slice(start, limit, strides);
    }

    public Tensor dynamicSlice(List<Tensor> starts, int... sizes) {
        Tensor[] operands = new Tensor[starts.size() + 1];
        operands[0] = this;
        for (int i = 0; i < starts.size(); i++) {
            operands[i + 1] = starts.get(i);
        }
        return op(new LayoutOp.DynamicSlice(sizes), operands);
    }

    public Tensor concat(int axis, Tensor... others) {
        Tensor[] all = new Tensor[others.length + 1];
        all[0] = this;
        System.arraycopy(others, 0, all, 1, others.length);
        return op(new LayoutOp.Concatenate(axis), all);
    }

    public Tensor pad(int[] low, int[] high, int[] interior, double value) {
        return op(new LayoutOp.Pad(low, high, interior), this, scalar(value));
    }

    public Tensor reverse(int... axes) {
        return unary(new LayoutOp.Reverse(axes));
    }

    // ---- reductions ----

    public Tensor sum(int... axes) { return unary(new ReduceOp.Reduce(ReduceOp.Reduction.SUM, axes)); }
    public Tensor reduceMax(int... axes) { return unary(new ReduceOp.Reduce(ReduceOp.Reduction.MAX, axes)); }
    public Tensor reduceMin(int... axes) { return unary(new ReduceOp.Reduce(ReduceOp.Reduction.MIN, axes)); }

    /** Sum over every axis, giving a scalar. */
    public Tensor sumAll() {
        return sum(allAxes());
    }

    public Tensor mean(int... axes) {
        long n = 1;
        for (int a : axes) {
            n *= shape().dim(a);
        }
        return sum(axes).div((double) n);
    }

    public Tensor meanAll() {
        return mean(allAxes());
    }

    /** Reduces {@code axes} and keeps them as size-1 dimensions (for broadcasting back). */
    public Tensor keepDims(Tensor reduced, int... axes) {
        int[] dims = shape().dims();
        for (int a : axes) {
            dims[a] = 1;
        }
        return reduced.reshape(dims);
    }

    public Tensor argmax(int axis) {
        return unary(new ReduceOp.ArgMax(axis, DType.I32));
    }

    private int[] allAxes() {
        int[] a = new int[rank()];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        return a;
    }

    // ---- linear algebra, convolution, pooling, indexing ----

    /**
     * Matrix product over the last dimension of this and the first (rank 2) or second-to-last
     * (batched, equal leading dims) dimension of {@code o}.
     */
    public Tensor matmul(Tensor o) {
        if (rank() >= 2 && o.rank() == 2) {
            return op(new DotGeneral(new int[0], new int[0], new int[] {rank() - 1}, new int[] {0}), this, o);
        }
        if (rank() == o.rank() && rank() > 2) {
            int b = rank() - 2;
            int[] batch = new int[b];
            for (int i = 0; i < b; i++) {
                batch[i] = i;
            }
            return op(new DotGeneral(batch, batch, new int[] {rank() - 1}, new int[] {rank() - 2}), this, o);
        }
        throw new IllegalArgumentException("matmul: unsupported operand types " + type() + " x " + o.type()
                + " (at " + GraphBuilder.callerSite() + ")");
    }

    public Tensor dotGeneral(DotGeneral d, Tensor o) {
        return op(d, this, o);
    }

    public Tensor conv(Tensor kernel, Convolution c) {
        return op(c, this, kernel);
    }

    public Tensor reduceWindow(ReduceOp.Reduction r, int[] window, int[] strides, int[] padLow, int[] padHigh) {
        return unary(new WindowOp.ReduceWindow(r, window, strides, padLow, padHigh));
    }

    public Tensor gather(IndexOp.Gather g, Tensor indices) {
        return op(g, this, indices);
    }

    /** Rows of this [V, ...] selected by integer {@code ids} of any shape: result ids.shape + [...]. */
    public Tensor take(Tensor ids) {
        int r = rank();
        int[] offsetDims = new int[r - 1];
        int[] sizes = shape().dims();
        sizes[0] = 1;
        for (int i = 0; i < r - 1; i++) {
            offsetDims[i] = ids.rank() + i;
        }
        return gather(new IndexOp.Gather(offsetDims, new int[] {0}, new int[] {0}, ids.rank(), sizes), ids);
    }

    @Override
    public String toString() {
        return "Tensor(" + node + ")";
    }

    static Shape broadcastShape(Shape a, Shape b) {
        if (a.equals(b)) {
            return a;
        }
        int r = Math.max(a.rank(), b.rank());
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i - (r - a.rank()) >= 0 ? a.dim(i - (r - a.rank())) : 1;
            int db = i - (r - b.rank()) >= 0 ? b.dim(i - (r - b.rank())) : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + a + " and " + b + " do not broadcast (dimension " + i
                        + ": " + da + " vs " + db + ") (at " + GraphBuilder.callerSite() + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return Shape.of(out);
    }
}
