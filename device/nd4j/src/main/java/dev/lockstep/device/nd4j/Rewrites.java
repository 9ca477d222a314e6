package dev.lockstep.device.nd4j;

import dev.lockstep.graph.BinaryOp;
import dev.lockstep.graph.DotGeneral;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.LayoutOp;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.Op;
import dev.lockstep.graph.Select;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * Executor-side pattern rewrites; the graph itself is untouched (invariant 8). A transpose feeding
 * dot_general is folded into the dot's dimension numbers (cblas reads it through its transpose
 * flag), and the 2-D transpose of a dot result is computed as the dot with operands swapped
 * ((AB)^T = B^T A^T), which is how autodiff writes weight gradients. Elementwise trees fuse
 * ({@link Fusion}); a node a fused kernel also writes (a store) gets no step of its own. Nodes left
 * without users are not scheduled.
 */
final class Rewrites {
    /**
     * What node i computes in the schedule: {@code op} over the values at positions {@code in};
     * a fused kernel ({@code fused} set) also writes the nodes at positions {@code stores}. A node
     * with {@code producer >= 0} has no step of its own: the fused kernel at that position writes it.
     */
    record Planned(Op op, int[] in, List<TensorType> inTypes, Fusion.Expr fused, int[] stores, int producer) {
        Planned(Op op, int[] in, List<TensorType> inTypes) {
            this(op, in, inTypes, null, new int[0], -1);
        }

        static Planned storedBy(Op op, int producer) {
            return new Planned(op, new int[0], List.of(), null, new int[0], producer);
        }
    }

    private Rewrites() {}

    /** One entry per node position; null where the node is not needed by any output. */
    static Planned[] plan(Graph graph, int[] pos) {
        List<Node> nodes = graph.nodes();
        int n = nodes.size();
        int[][] users = users(graph, pos);
        Planned[] plan = new Planned[n];
        for (int i = 0; i < n; i++) {
            Node node = nodes.get(i);
            int[] in = new int[node.operands().size()];
            List<TensorType> types = new ArrayList<>();
            for (int k = 0; k < in.length; k++) {
                in[k] = pos[node.operand(k).id()];
                types.add(node.operand(k).type());
            }
            Planned p = new Planned(node.op(), in, types);
            Planned fused = Fusion.fusable(node) ? Fusion.plan(node, users, pos) : null;
            if (fused != null) {
                p = fused;
            } else if (narrowable(node)) {
                p = narrowed(node, p, pos);
            } else if (node.op() instanceof DotGeneral d) {
                p = foldOperandTransposes(d, node, pos);
            } else if (node.op() instanceof LayoutOp.Transpose t && node.operand(0).op() instanceof DotGeneral d
                    && users[in[0]].length == 1) {
                Planned swapped = swapped(t, d, node.operand(0), pos);
                p = swapped == null ? p : swapped;
            }
            plan[i] = p;
        }
        boolean[] needed = new boolean[n];
        for (Node o : graph.outputs()) {
            needed[pos[o.id()]] = true;
        }
        for (Node prm : graph.parameters()) {
            needed[pos[prm.id()]] = true;
        }
        for (int i = n - 1; i >= 0; i--) {
            if (!needed[i]) {
                plan[i] = null;
                continue;
            }
            for (int k : plan[i].in()) {
                needed[k] = true;
            }
            // Stores precede their kernel and are read only after it (Fusion), so marking them here is final.
            for (int s : plan[i].stores()) {
                plan[s] = Planned.storedBy(nodes.get(s).op(), i);
                needed[s] = true;
            }
        }
        return plan;
    }

    /** Reader positions per position, once per operand slot; each graph output adds MAX_VALUE. */
    private static int[][] users(Graph graph, int[] pos) {
        List<Node> nodes = graph.nodes();
        int[] count = new int[nodes.size()];
        for (Node node : nodes) {
            for (Node o : node.operands()) {
                count[pos[o.id()]]++;
            }
        }
        for (Node o : graph.outputs()) {
            count[pos[o.id()]]++;
        }
        int[][] users = new int[nodes.size()][];
        for (int i = 0; i < users.length; i++) {
            users[i] = new int[count[i]];
            count[i] = 0;
        }
        for (Node node : nodes) {
            for (Node o : node.operands()) {
                int k = pos[o.id()];
                users[k][count[k]++] = pos[node.id()];
            }
        }
        for (Node o : graph.outputs()) {
            int k = pos[o.id()];
            users[k][count[k]++] = Integer.MAX_VALUE;
        }
        return users;
    }

    /** Elementwise ops whose kernels accept scalar and trailing (bias-like) operands, see {@link Periodic}. */
    private static boolean narrowable(Node node) {
        return switch (node.op()) {
            case BinaryOp.Compare c -> node.operand(0).dtype() == DType.F32;
            case BinaryOp b -> node.dtype() == DType.F32 || node.dtype() == DType.F64;
            case Select s -> true;
            default -> false;
        };
    }

    /**
     * Reads a broadcast scalar, a splat constant or a bias broadcast along the trailing dims without
     * materialising the broadcast; the broadcast node then has no users and is not scheduled.
     */
    private static Planned narrowed(Node node, Planned p, int[] pos) {
        int[] in = p.in().clone();
        List<TensorType> types = new ArrayList<>(p.inTypes());
        Shape out = node.shape();
        boolean trailingTaken = false;
        for (int k = node.op() instanceof Select ? 1 : 0; k < in.length; k++) {
            Node o = node.operand(k);
            if (o.op() instanceof LeafOp.Constant c && c.isSplat() && o.shape().size() > 1) {
                types.set(k, o.type().withShape(Shape.scalar()));
            } else if (o.op() instanceof LayoutOp.BroadcastInDim b) {
                Shape src = o.operand(0).shape();
                boolean scalar = src.size() == 1 && out.size() > 0;
                boolean trailing = !trailingTaken && src.size() > 1 && isTrailing(src, b.dims(), out);
                if (scalar || trailing) {
                    in[k] = pos[o.operand(0).id()];
                    types.set(k, o.operand(0).type());
                    trailingTaken |= trailing;
                }
            }
        }
        return new Planned(p.op(), in, types);
    }

    /** Whether broadcast dims map {@code src} onto exactly the last dims of {@code out}, sizes equal. */
    private static boolean isTrailing(Shape src, int[] dims, Shape out) {
        int off = out.rank() - src.rank();
        for (int i = 0; i < src.rank(); i++) {
            if (dims[i] != off + i || src.dim(i) != out.dim(off + i)) {
                return false;
            }
        }
        return true;
    }

    /** Reads a transposed operand's source directly when the dot's free dimensions keep their order. */
    private static Planned foldOperandTransposes(DotGeneral d, Node node, int[] pos) {
        int[][] batch = {d.lhsBatch(), d.rhsBatch()};
        int[][] contracting = {d.lhsContracting(), d.rhsContracting()};
        int[] in = new int[2];
        List<TensorType> types = new ArrayList<>();
        for (int side = 0; side < 2; side++) {
            Node operand = node.operand(side);
            in[side] = pos[operand.id()];
            TensorType type = operand.type();
            if (operand.op() instanceof LayoutOp.Transpose t) {
                int[] p = t.permutation();
                if (freeOrderKept(p, batch[side], contracting[side])) {
                    batch[side] = map(p, batch[side]);
                    contracting[side] = map(p, contracting[side]);
                    in[side] = pos[operand.operand(0).id()];
                    type = operand.operand(0).type();
                }
            }
            types.add(type);
        }
        return new Planned(new DotGeneral(batch[0], batch[1], contracting[0], contracting[1]), in, types);
    }

    /** transpose([1, 0]) of a batch-free dot with one free dim per side is the swapped dot. */
    private static Planned swapped(LayoutOp.Transpose t, DotGeneral d, Node dot, int[] pos) {
        int[] p = t.permutation();
        boolean oneFreeEach = dot.operand(0).type().rank() - d.lhsContracting().length == 1
                && dot.operand(1).type().rank() - d.rhsContracting().length == 1;
        if (p.length != 2 || p[0] != 1 || d.lhsBatch().length != 0 || !oneFreeEach) {
            return null;
        }
        var op = new DotGeneral(new int[0], new int[0], d.rhsContracting(), d.lhsContracting());
        return new Planned(op, new int[] {pos[dot.operand(1).id()], pos[dot.operand(0).id()]},
                List.of(dot.operand(1).type(), dot.operand(0).type()));
    }

    private static boolean freeOrderKept(int[] p, int[] batch, int[] contracting) {
        int last = -1;
        for (int i = 0; i < p.length; i++) {
            if (!contains(batch, i) && !contains(contracting, i)) {
                if (p[i] < last) {
                    return false;
                }
                last = p[i];
            }
        }
        return true;
    }

    private static int[] map(int[] p, int[] dims) {
        int[] r = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            r[i] = p[dims[i]];
        }
        return r;
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
