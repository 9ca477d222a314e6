package dev.lockstep.graph;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Records ops as user code traces them. Each node's type is inferred by {@link ShapeRules} when it
 * is added, so a bad op fails at the line that wrote it, with that line in the message. Not
 * thread-safe: one builder per trace.
 */
public final class GraphBuilder {

    private final List<Node> nodes = new ArrayList<>();
    private final List<Node> parameters = new ArrayList<>();
    private final Set<String> parameterNames = new HashSet<>();

    /** Declares the next graph input. Names must be unique within the graph. */
    public Node parameter(String name, TensorType type) {
        if (!parameterNames.add(name)) {
            throw new IllegalArgumentException("parameter '" + name + "' is declared twice (at " + callerSite() + ")");
        }
        Node n = add(new LeafOp.Parameter(parameters.size(), name, type));
        parameters.add(n);
        return n;
    }

    /** A fluent handle on a new parameter. */
    public Tensor input(String name, DType dtype, int... dims) {
        return wrap(parameter(name, new TensorType(dtype, Shape.of(dims))));
    }

    public Tensor wrap(Node n) {
        checkOwned(n, "wrap");
        return new Tensor(this, n);
    }

    public Tensor constant(double value, DType dtype) {
        return wrap(add(new LeafOp.Constant(new TensorType(dtype, Shape.scalar()), new double[] {value})));
    }

    public Tensor constant(TensorType type, double... values) {
        return wrap(add(new LeafOp.Constant(type, values)));
    }

    /** Adds {@code op} applied to {@code operands}; checks and infers its type. */
    public Node add(Op op, Node... operands) {
        return add(op, Arrays.asList(operands));
    }

    public Node add(Op op, List<Node> operands) {
        if (op instanceof LeafOp.Parameter p && p.index() != parameters.size()) {
            throw new IllegalArgumentException("parameters must be declared through parameter(); got index " + p.index());
        }
        List<TensorType> types = new ArrayList<>(operands.size());
        for (Node o : operands) {
            checkOwned(o, OpKind.describe(op));
            types.add(o.type());
        }
        TensorType t;
        try {
            t = ShapeRules.infer(op, types);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (at " + callerSite() + ")", e);
        }
        Node n = new Node(this, nodes.size(), op, operands, t, callerSite());
        nodes.add(n);
        return n;
    }

    /** Builds the graph of the given outputs; dead nodes are dropped, all parameters are kept. */
    public Graph build(List<Node> outputs) {
        for (Node o : outputs) {
            checkOwned(o, "output");
        }
        Graph g = new Graph(Graph.reachable(outputs, parameters), parameters, outputs);
        Verifier.verify(g);
        return g;
    }

    public Graph build(Node... outputs) {
        return build(List.of(outputs));
    }

    public Graph buildTensors(List<Tensor> outputs) {
        return build(outputs.stream().map(Tensor::node).toList());
    }

    public List<Node> parameters() {
        return List.copyOf(parameters);
    }

    private void checkOwned(Node n, String what) {
        if (n.owner != this) {
            throw new IllegalArgumentException(what + ": operand " + n + " belongs to another graph; "
                    + "values cannot be shared between traces (at " + callerSite() + ")");
        }
    }

    /** The first stack frame outside the graph library: the user's line that traced this op. */
    static String callerSite() {
        return CallSites.firstOutside("dev.lockstep.graph.");
    }
}
