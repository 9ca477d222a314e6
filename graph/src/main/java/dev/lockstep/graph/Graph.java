package dev.lockstep.graph;

import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable, verified graph: the nodes reachable from the outputs in topological order, the
 * parameters (the input signature, in index order, including unused ones) and the outputs.
 */
public final class Graph {
    private final List<Node> nodes;
    private final List<Node> parameters;
    private final List<Node> outputs;

    Graph(List<Node> nodes, List<Node> parameters, List<Node> outputs) {
        this.nodes = List.copyOf(nodes);
        this.parameters = List.copyOf(parameters);
        this.outputs = List.copyOf(outputs);
    }

    /** Nodes in topological order (increasing id; ids may have gaps where dead nodes were pruned). */
    public List<Node> nodes() {
        return nodes;
    }

    public List<Node> parameters() {
        return parameters;
    }

    public List<Node> outputs() {
        return outputs;
    }

    /** The input signature: each parameter's type, in index order. */
    public List<TensorType> inputTypes() {
        return parameters.stream().map(Node::type).toList();
    }

    public List<TensorType> outputTypes() {
        return outputs.stream().map(Node::type).toList();
    }

    /** For each node id, the position in {@link #nodes()} of its last use, or -1 (for liveness). */
    public int[] lastUse() {
        int maxId = nodes.isEmpty() ? 0 : nodes.getLast().id() + 1;
        int[] last = new int[maxId];
        java.util.Arrays.fill(last, -1);
        for (int i = 0; i < nodes.size(); i++) {
            for (Node o : nodes.get(i).operands()) {
                last[o.id()] = i;
            }
        }
        for (Node o : outputs) {
            last[o.id()] = Integer.MAX_VALUE;
        }
        return last;
    }

    /** Every node, one per line, then the outputs; for debugging and error reports. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Node n : nodes) {
            b.append(n).append(" <- ");
            List<String> ids = new ArrayList<>();
            for (Node o : n.operands()) {
                ids.add("%" + o.id());
            }
            b.append(String.join(", ", ids)).append('\n');
        }
        List<String> outs = new ArrayList<>();
        for (Node o : outputs) {
            outs.add("%" + o.id());
        }
        return b.append("return ").append(String.join(", ", outs)).toString();
    }

    static List<Node> reachable(List<Node> outputs, List<Node> parameters) {
        java.util.BitSet seen = new java.util.BitSet();
        List<Node> found = new ArrayList<>();
        java.util.ArrayDeque<Node> stack = new java.util.ArrayDeque<>(outputs);
        stack.addAll(parameters);
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            if (seen.get(n.id())) {
                continue;
            }
            seen.set(n.id());
            found.add(n);
            stack.addAll(n.operands());
        }
        found.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return Collections.unmodifiableList(found);
    }
}
