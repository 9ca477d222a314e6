package dev.lockstep.graph;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.util.List;
import java.util.Objects;

/**
 * One value in a graph: an op applied to earlier nodes. Nodes are immutable; {@code id} is the
 * node's position in its graph's topological order. {@code site} is the user's source location
 * that created it ("Model.java:42"), for error messages.
 */
public final class Node {
    private final int id;
    private final Op op;
    private final List<Node> operands;
    private final TensorType type;
    private final String site;
    final Object owner;

    Node(Object owner, int id, Op op, List<Node> operands, TensorType type, String site) {
        this.owner = owner;
        this.id = id;
        this.op = Objects.requireNonNull(op);
        this.operands = List.copyOf(operands);
        this.type = Objects.requireNonNull(type);
        this.site = site;
    }

    public int id() {
        return id;
    }

    public Op op() {
        return op;
    }

    public List<Node> operands() {
        return operands;
    }

    public Node operand(int i) {
        return operands.get(i);
    }

    public TensorType type() {
        return type;
    }

    public Shape shape() {
        return type.shape();
    }

    public DType dtype() {
        return type.dtype();
    }

    public String site() {
        return site;
    }

    public OpKind kind() {
        return OpKind.of(op);
    }

    @Override
    public String toString() {
        return "%" + id + " = " + OpKind.describe(op) + " : " + type + (site == null ? "" : " at " + site);
    }
}
