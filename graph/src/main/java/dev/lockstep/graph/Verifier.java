package dev.lockstep.graph;

import dev.lockstep.tensor.TensorType;
import java.util.BitSet;

/**
 * Checks that a graph is well formed: operands precede their users and belong to the graph, every
 * node's type is what {@link ShapeRules} infers, and parameters are numbered 0..n-1. Errors name
 * the node, its op, its operands' types and where it was traced.
 */
public final class Verifier {
    private Verifier() {}

    public static void verify(Graph g) {
        BitSet present = new BitSet();
        for (Node n : g.nodes()) {
            for (Node o : n.operands()) {
                if (!present.get(o.id())) {
                    throw bad(n, "operand %" + o.id() + " is not defined before its use");
                }
            }
            TensorType expected;
            try {
                expected = ShapeRules.infer(n.op(), n.operands().stream().map(Node::type).toList());
            } catch (IllegalArgumentException e) {
                throw bad(n, e.getMessage());
            }
            if (!expected.equals(n.type())) {
                throw bad(n, "recorded type " + n.type() + " but the shape rules give " + expected);
            }
            present.set(n.id());
        }
        for (int i = 0; i < g.parameters().size(); i++) {
            Node p = g.parameters().get(i);
            if (!(p.op() instanceof LeafOp.Parameter lp) || lp.index() != i) {
                throw bad(p, "parameter " + i + " is misnumbered or not a parameter");
            }
        }
        for (Node o : g.outputs()) {
            if (!present.get(o.id())) {
                throw bad(o, "output is not a node of the graph");
            }
        }
    }

    private static IllegalArgumentException bad(Node n, String problem) {
        return new IllegalArgumentException("ill-formed graph at " + n + ": " + problem);
    }
}
