package dev.lockstep.graph.autodiff;

import dev.lockstep.graph.BinaryOp;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.LayoutOp;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.Op;
import dev.lockstep.graph.ReduceOp;
import dev.lockstep.graph.Select;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import dev.lockstep.graph.UnaryOp;
import dev.lockstep.tensor.TensorType;
import java.util.Arrays;
import java.util.List;

/**
 * Writes backward-pass nodes into the forward graph's builder. Operands are {@link Node}s (not
 * tensors) because the rules never broadcast implicitly: every shape they build is explicit.
 */
final class Emit {
    private final GraphBuilder b;

    Emit(GraphBuilder b) {
        this.b = b;
    }

    Node op(Op op, Node... operands) {
        return b.add(op, operands);
    }

    Node op(Op op, List<Node> operands) {
        return b.add(op, operands);
    }

    /** A splat constant: one node whatever the shape. */
    Node fill(TensorType t, double v) {
        return b.add(new LeafOp.Constant(t, new double[] {v}));
    }

    Node like(Node n, double v) {
        return fill(n.type(), v);
    }

    Node scalar(double v, DType d) {
        return fill(new TensorType(d, Shape.scalar()), v);
    }

    /** A rank-1 constant holding {@code values}. */
    Node vector(DType d, double... values) {
        return b.add(new LeafOp.Constant(TensorType.of(d, values.length), values));
    }

    Node add(Node x, Node y) { return op(new BinaryOp.Add(), x, y); }
    Node sub(Node x, Node y) { return op(new BinaryOp.Subtract(), x, y); }
    Node mul(Node x, Node y) { return op(new BinaryOp.Multiply(), x, y); }
    Node div(Node x, Node y) { return op(new BinaryOp.Divide(), x, y); }
    Node max(Node x, Node y) { return op(new BinaryOp.Maximum(), x, y); }
    Node min(Node x, Node y) { return op(new BinaryOp.Minimum(), x, y); }
    Node pow(Node x, Node y) { return op(new BinaryOp.Power(), x, y); }
    Node neg(Node x) { return op(new UnaryOp.Negate(), x); }
    Node log(Node x) { return op(new UnaryOp.Log(), x); }
    Node sign(Node x) { return op(new UnaryOp.Sign(), x); }

    Node mul(Node x, double c) {
        return mul(x, like(x, c));
    }

    Node convert(Node x, DType to) {
        return x.dtype() == to ? x : op(new UnaryOp.Convert(to), x);
    }

    Node compare(BinaryOp.Direction d, Node x, Node y) {
        return op(new BinaryOp.Compare(d), x, y);
    }

    Node select(Node pred, Node onTrue, Node onFalse) {
        return op(new Select(), pred, onTrue, onFalse);
    }

    Node reshape(Node x, Shape s) {
        return x.shape().equals(s) ? x : op(new LayoutOp.Reshape(s), x);
    }

    Node transpose(Node x, int[] perm) {
        return isIdentity(perm) ? x : op(new LayoutOp.Transpose(perm), x);
    }

    Node broadcast(Node x, Shape s, int[] dims) {
        return x.shape().equals(s) && isIdentity(dims) ? x : op(new LayoutOp.BroadcastInDim(s, dims), x);
    }

    Node sum(Node x, int[] axes) {
        return axes.length == 0 ? x : op(new ReduceOp.Reduce(ReduceOp.Reduction.SUM, axes), x);
    }

    Node slice(Node x, int[] start, int[] limit, int[] strides) {
        if (Arrays.equals(start, new int[x.type().rank()]) && Arrays.equals(limit, x.shape().dims())
                && Arrays.equals(strides, ones(x.type().rank()))) {
            return x;
        }
        return op(new LayoutOp.Slice(start, limit, strides), x);
    }

    Node reverse(Node x, int[] axes) {
        return axes.length == 0 ? x : op(new LayoutOp.Reverse(axes), x);
    }

    /**
     * Pads {@code x} with {@code value} (a double of x's dtype). Negative {@code lo}/{@code hi}
     * crop instead, after interior padding, since the graph forbids negative padding.
     */
    Node padOrCrop(Node x, int[] lo, int[] hi, int[] interior, double value) {
        int r = x.type().rank();
        int[] plo = new int[r], phi = new int[r];
        boolean crop = false, pad = false;
        for (int i = 0; i < r; i++) {
            plo[i] = Math.max(0, lo[i]);
            phi[i] = Math.max(0, hi[i]);
            crop |= lo[i] < 0 || hi[i] < 0;
            pad |= plo[i] > 0 || phi[i] > 0 || interior[i] > 0;
        }
        Node p = pad ? op(new LayoutOp.Pad(plo, phi, interior), x, scalar(value, x.dtype())) : x;
        if (!crop) {
            return p;
        }
        int[] start = new int[r], limit = p.shape().dims();
        for (int i = 0; i < r; i++) {
            start[i] = Math.max(0, -lo[i]);
            limit[i] -= Math.max(0, -hi[i]);
        }
        return slice(p, start, limit, ones(r));
    }

    static int[] ones(int n) {
        int[] a = new int[n];
        Arrays.fill(a, 1);
        return a;
    }

    static int[] range(int from, int to) {
        int[] a = new int[Math.max(0, to - from)];
        for (int i = 0; i < a.length; i++) {
            a[i] = from + i;
        }
        return a;
    }

    /** {@code inv} with {@code inv[perm[i]] = i}. */
    static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inv[perm[i]] = i;
        }
        return inv;
    }

    static boolean isIdentity(int[] perm) {
        for (int i = 0; i < perm.length; i++) {
            if (perm[i] != i) {
                return false;
            }
        }
        return true;
    }

    static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /** Axes in {@code [0, rank)} not listed in any of {@code used}, ascending. */
    static int[] complement(int rank, int[]... used) {
        return java.util.stream.IntStream.range(0, rank)
                .filter(i -> Arrays.stream(used).noneMatch(u -> contains(u, i)))
                .toArray();
    }
}
