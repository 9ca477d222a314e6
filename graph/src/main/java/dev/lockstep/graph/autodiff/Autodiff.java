package dev.lockstep.graph.autodiff;

import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.OpKind;
import dev.lockstep.graph.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode automatic differentiation that writes the backward pass as new nodes in the same
 * graph builder, so the backward graph lowers to StableHLO like the forward one.
 *
 * <p>Only nodes on a path from an input in {@code wrt} to the loss are visited. A gradient flows
 * along an edge only when the op is {@link OpKind#differentiable()} and both the operand and the
 * result are floating point, so integer, bool and index operands (select predicates, gather
 * indices, dynamic-slice starts) never carry one. The per-op rules are in {@link Vjp}.
 */
public final class Autodiff {
    private Autodiff() {}

    /** The result of {@link #gradients}: one gradient per requested input, and those unreachable. */
    public record Gradients(List<Tensor> values, List<String> unreachable) {}

    /**
     * Gradients of scalar floating-point {@code loss} with respect to each of {@code wrt} (in order,
     * each shaped like its input). Throws {@link IllegalArgumentException} naming every input with no
     * differentiable path from the loss.
     */
    public static List<Tensor> grad(Tensor loss, List<Tensor> wrt) {
        Gradients g = gradients(loss, wrt);
        if (!g.unreachable().isEmpty()) {
            throw new IllegalArgumentException("no gradient path from the loss to: " + String.join(", ", g.unreachable()));
        }
        return g.values();
    }

    /**
     * Like {@link #grad} but unreachable inputs get zero gradients and are listed, in {@code wrt}
     * order, by parameter name (or, for other nodes, by op, type and trace site).
     */
    public static Gradients gradients(Tensor loss, List<Tensor> wrt) {
        Node out = loss.node();
        if (out.shape().rank() != 0 || !out.dtype().isFloating()) {
            throw new IllegalArgumentException("autodiff: the loss must be a floating-point scalar, got " + out.type()
                    + " from " + out);
        }
        for (Tensor t : wrt) {
            if (t.builder() != loss.builder()) {
                throw new IllegalArgumentException("autodiff: input " + name(t.node())
                        + " belongs to another graph than the loss " + out);
            }
        }
        Emit e = new Emit(loss.builder());
        List<Node> onPath = pathNodes(out, wrt);
        Map<Integer, Node> cot = backward(out, onPath, e);
        List<Tensor> values = new ArrayList<>(wrt.size());
        List<String> unreachable = new ArrayList<>();
        for (Tensor t : wrt) {
            Node g = cot.get(t.node().id());
            if (g == null) {
                unreachable.add(name(t.node()));
                g = e.like(t.node(), 0);
            }
            values.add(loss.builder().wrap(g));
        }
        return new Gradients(List.copyOf(values), List.copyOf(unreachable));
    }

    /**
     * Ancestors of {@code loss} that depend on an input through gradient-carrying edges, in
     * increasing id (topological) order.
     */
    private static List<Node> pathNodes(Node loss, List<Tensor> wrt) {
        Set<Integer> inputs = new HashSet<>();
        for (Tensor t : wrt) {
            inputs.add(t.node().id());
        }
        List<Node> ancestors = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        ArrayDeque<Node> stack = new ArrayDeque<>(List.of(loss));
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            if (seen.add(n.id())) {
                ancestors.add(n);
                stack.addAll(n.operands());
            }
        }
        ancestors.sort((a, b) -> Integer.compare(a.id(), b.id()));
        Set<Integer> reached = new HashSet<>();
        List<Node> path = new ArrayList<>();
        for (Node n : ancestors) {
            boolean on = n.dtype().isFloating() && inputs.contains(n.id());
            for (int i = 0; i < n.operands().size() && !on; i++) {
                on = carries(n, i) && reached.contains(n.operand(i).id());
            }
            if (on) {
                reached.add(n.id());
                path.add(n);
            }
        }
        return path;
    }

    /** Whether a gradient can flow from {@code n} to its operand {@code i}. */
    static boolean carries(Node n, int i) {
        return n.kind().differentiable() && n.dtype().isFloating() && n.operand(i).dtype().isFloating();
    }

    /** Cotangents (by node id) of every node on the path, seeded with 1 at the loss. */
    private static Map<Integer, Node> backward(Node loss, List<Node> path, Emit e) {
        Map<Integer, Node> cot = new HashMap<>();
        if (path.isEmpty() || path.getLast() != loss) {
            return cot;
        }
        Set<Integer> on = new HashSet<>();
        path.forEach(n -> on.add(n.id()));
        cot.put(loss.id(), e.like(loss, 1));
        for (Node n : path.reversed()) {
            Node g = cot.get(n.id());
            boolean[] need = new boolean[n.operands().size()];
            boolean any = false;
            for (int i = 0; i < need.length; i++) {
                need[i] = carries(n, i) && on.contains(n.operand(i).id());
                any |= need[i];
            }
            if (!any) {
                continue;
            }
            Node[] parts = vjp(n, g, need, e);
            for (int i = 0; i < need.length; i++) {
                if (!need[i]) {
                    continue;
                }
                Node o = n.operand(i);
                if (parts[i] == null || !parts[i].type().equals(o.type())) {
                    throw new IllegalStateException("autodiff bug: the rule for " + OpKind.describe(n.op())
                            + " gave operand " + i + " a cotangent of " + (parts[i] == null ? "none" : parts[i].type())
                            + ", expected " + o.type() + " (node " + n + ")");
                }
                cot.merge(o.id(), parts[i], e::add);
            }
        }
        return cot;
    }

    private static Node[] vjp(Node n, Node g, boolean[] need, Emit e) {
        try {
            return Vjp.of(n, g, need, e);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("autodiff: cannot differentiate " + n + " with operands "
                    + Arrays.toString(n.operands().stream().map(Node::type).toArray()) + ": " + ex.getMessage(), ex);
        }
    }

    /** A parameter's name, else the node's description (op, type and trace site). */
    private static String name(Node n) {
        return n.op() instanceof LeafOp.Parameter p ? p.name() : n.toString();
    }
}
