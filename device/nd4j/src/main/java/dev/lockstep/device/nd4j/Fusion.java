package dev.lockstep.device.nd4j;

import dev.lockstep.graph.BinaryOp;
import dev.lockstep.graph.LayoutOp;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.Op;
import dev.lockstep.graph.Select;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import dev.lockstep.graph.UnaryOp;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * Elementwise fusion: an f32 elementwise node absorbs each operand that is itself fusable and of
 * the same shape, so chains such as the optimizer's {@code p - lr * (mu * v + g)} or ReLU's
 * backward {@code g * select(x > 0, 1, select(x == 0, 0.5, 0))} run as one pass
 * ({@link FusedKernel}). Inside a tree, comparisons of f32 values (bool masks) and selects between
 * f32 values fuse too. An operand used only by its absorber is computed in registers; one with
 * other users is absorbed only when all of them run after the fused kernel, which then also writes
 * it out (a <em>store</em>): the momentum update writes v' and p' in one pass, the forward layer
 * {@code max(x W + b, 0)} writes the pre-activation and the activation in one pass. Leaves are read
 * like {@link Periodic} operands: full, scalar (broadcast scalar or splat constant) or a trailing
 * broadcast (bias); the same leaf read twice is loaded once.
 */
final class Fusion {
    /**
     * An op over sub-expressions, or (op null) leaf {@code leaf} of the planned inputs; a node with
     * {@code store >= 0} is also written to the fused plan's extra output number {@code store}.
     */
    record Expr(Op op, List<Expr> args, int leaf, int store) {}

    private final int[][] users;
    private final int[] pos;
    private final int rootPos;
    private final List<Integer> leaves = new ArrayList<>();
    private final List<TensorType> leafTypes = new ArrayList<>();
    private final List<Integer> stores = new ArrayList<>();
    private int absorbed;
    private long period = 1;

    private Fusion(int[][] users, int[] pos, int rootPos) {
        this.users = users;
        this.pos = pos;
        this.rootPos = rootPos;
    }

    /** Whether {@code n} may be the root of a fused kernel: an f32 result. */
    static boolean fusable(Node n) {
        if (n.dtype() != DType.F32) {
            return false;
        }
        return switch (n.op()) {
            case UnaryOp.Convert c -> false;
            case UnaryOp u -> true;
            case BinaryOp.Compare c -> false;
            case BinaryOp b -> true;
            case Select s -> true;
            default -> false;
        };
    }

    /** Whether {@code n} may be computed inside a fused tree: a root, or a mask comparing f32 values. */
    private static boolean interior(Node n) {
        return fusable(n) || n.op() instanceof BinaryOp.Compare && n.operand(0).dtype() == DType.F32;
    }

    /**
     * The fused plan rooted at {@code root}, or null when it absorbs no operand. {@code users[i]}
     * lists the positions of the nodes reading position i, once per operand slot, and
     * {@link Integer#MAX_VALUE} once per appearance among the graph's outputs.
     */
    static Rewrites.Planned plan(Node root, int[][] users, int[] pos) {
        Fusion f = new Fusion(users, pos, pos[root.id()]);
        Expr e = f.build(root, -1);
        if (f.absorbed == 0) {
            return null;
        }
        int[] in = f.leaves.stream().mapToInt(Integer::intValue).toArray();
        int[] stores = f.stores.stream().mapToInt(Integer::intValue).toArray();
        return new Rewrites.Planned(root.op(), in, List.copyOf(f.leafTypes), e, stores, -1);
    }

    private Expr build(Node n, int store) {
        List<Expr> args = new ArrayList<>();
        for (Node o : n.operands()) {
            int absorb = o.shape().equals(n.shape()) && interior(o) ? absorbable(o) : NO;
            if (absorb == NO) {
                args.add(leaf(o, n.shape()));
            } else {
                absorbed++;
                int s = -1;
                if (absorb == STORED) {
                    stores.add(pos[o.id()]);
                    s = stores.size() - 1;
                }
                args.add(build(o, s));
            }
        }
        return new Expr(n.op(), List.copyOf(args), -1, store);
    }

    private static final int NO = 0, PRIVATE = 1, STORED = 2;

    /**
     * PRIVATE when {@code o} has one reader (the absorber); STORED when its other readers, or graph
     * outputs, all come after the fused kernel; NO otherwise (it is then a leaf computed on its own).
     * A mask has no stored form (a bool written as f32 would be wrong), so it must be private.
     */
    private int absorbable(Node o) {
        int[] readers = users[pos[o.id()]];
        int before = 0;
        for (int u : readers) {
            if (u <= rootPos) {
                before++;
            }
        }
        if (before != 1) {
            return NO;
        }
        if (readers.length == 1) {
            return PRIVATE;
        }
        return fusable(o) ? STORED : NO;
    }

    private Expr leaf(Node o, Shape out) {
        Node src = o;
        TensorType type = o.type();
        if (o.dtype() == DType.F32 && o.op() instanceof LeafOp.Constant c && c.isSplat()) {
            type = o.type().withShape(Shape.scalar());
        } else if (o.dtype() == DType.F32 && o.op() instanceof LayoutOp.BroadcastInDim b) {
            Shape s = o.operand(0).shape();
            boolean trailing = s.size() > 1 && (period == 1 || period == s.size()) && trailing(s, b.dims(), out);
            if (s.size() == 1 || trailing) {
                src = o.operand(0);
                type = src.type();
                period = trailing ? s.size() : period;
            }
        }
        int at = pos[src.id()];
        for (int k = 0; k < leaves.size(); k++) {
            if (leaves.get(k) == at && leafTypes.get(k).equals(type)) {
                return new Expr(null, List.of(), k, -1);
            }
        }
        leaves.add(at);
        leafTypes.add(type);
        return new Expr(null, List.of(), leaves.size() - 1, -1);
    }

    private static boolean trailing(Shape src, int[] dims, Shape out) {
        int off = out.rank() - src.rank();
        for (int i = 0; i < src.rank(); i++) {
            if (dims[i] != off + i || src.dim(i) != out.dim(off + i)) {
                return false;
            }
        }
        return true;
    }
}
