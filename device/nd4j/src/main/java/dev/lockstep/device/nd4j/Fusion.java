package dev.lockstep.device.nd4j;

import dev.lockstep.graph.BinaryOp;
import dev.lockstep.graph.DType;
import dev.lockstep.graph.LayoutOp;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.Op;
import dev.lockstep.graph.Shape;
import dev.lockstep.graph.TensorType;
import dev.lockstep.graph.UnaryOp;
import java.util.ArrayList;
import java.util.List;

/**
 * Elementwise fusion: an f32 arithmetic node absorbs each operand that is itself f32 arithmetic of
 * the same shape used only by it, so chains such as the optimizer's {@code p - lr * (mu * v + g)}
 * run as one pass ({@link FusedKernel}). Leaves are read like {@link Periodic} operands: full,
 * scalar (broadcast scalar or splat constant) or a trailing broadcast (bias).
 */
final class Fusion {
    /** An op over sub-expressions, or (op null) leaf {@code leaf} of the planned inputs. */
    record Expr(Op op, List<Expr> args, int leaf) {}

    private final int[] uses;
    private final int[] pos;
    private final List<Integer> leaves = new ArrayList<>();
    private final List<TensorType> leafTypes = new ArrayList<>();
    private int absorbed;
    private long period = 1;

    private Fusion(int[] uses, int[] pos) {
        this.uses = uses;
        this.pos = pos;
    }

    static boolean fusable(Node n) {
        if (n.dtype() != DType.F32) {
            return false;
        }
        return switch (n.op()) {
            case UnaryOp.Convert c -> false;
            case UnaryOp u -> true;
            case BinaryOp.Compare c -> false;
            case BinaryOp b -> true;
            default -> false;
        };
    }

    /** The fused plan rooted at {@code root}, or null when it absorbs no operand. */
    static Rewrites.Planned plan(Node root, int[] uses, int[] pos) {
        Fusion f = new Fusion(uses, pos);
        Expr e = f.build(root);
        if (f.absorbed == 0) {
            return null;
        }
        int[] in = f.leaves.stream().mapToInt(Integer::intValue).toArray();
        return new Rewrites.Planned(root.op(), in, List.copyOf(f.leafTypes), e);
    }

    private Expr build(Node n) {
        List<Expr> args = new ArrayList<>();
        for (Node o : n.operands()) {
            if (fusable(o) && uses[pos[o.id()]] == 1 && o.shape().equals(n.shape())) {
                absorbed++;
                args.add(build(o));
            } else {
                args.add(leaf(o, n.shape()));
            }
        }
        return new Expr(n.op(), List.copyOf(args), -1);
    }

    private Expr leaf(Node o, Shape out) {
        Node src = o;
        TensorType type = o.type();
        if (o.op() instanceof LeafOp.Constant c && c.isSplat()) {
            type = o.type().withShape(Shape.scalar());
        } else if (o.op() instanceof LayoutOp.BroadcastInDim b) {
            Shape s = o.operand(0).shape();
            boolean trailing = s.size() > 1 && (period == 1 || period == s.size()) && trailing(s, b.dims(), out);
            if (s.size() == 1 || trailing) {
                src = o.operand(0);
                type = src.type();
                period = trailing ? s.size() : period;
            }
        }
        leaves.add(pos[src.id()]);
        leafTypes.add(type);
        return new Expr(null, List.of(), leaves.size() - 1);
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
