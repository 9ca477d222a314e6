package dev.lockstep.graph.autodiff;

import dev.lockstep.graph.AllReduce;
import dev.lockstep.graph.BinaryOp;
import dev.lockstep.graph.Convolution;
import dev.lockstep.graph.DotGeneral;
import dev.lockstep.graph.IndexOp;
import dev.lockstep.graph.LayoutOp;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.RandomBits;
import dev.lockstep.graph.ReduceOp;
import dev.lockstep.graph.Select;
import dev.lockstep.graph.UnaryOp;
import dev.lockstep.graph.WindowOp;

/**
 * The vector-Jacobian product of every op, dispatched by an exhaustive switch over the sealed op
 * hierarchy (and, inside each family class, over the family), so an op without a rule does not
 * compile. Each rule returns one cotangent per operand, shaped like that operand; entries whose
 * {@code need} flag is false may be null and are not computed.
 */
final class Vjp {
    private Vjp() {}

    static Node[] of(Node n, Node g, boolean[] need, Emit e) {
        return switch (n.op()) {
            // Leaves have no operands; gradients stop at them.
            case LeafOp l -> new Node[0];
            case UnaryOp u -> ElementwiseVjp.unary(u, n, g, e);
            case BinaryOp b -> ElementwiseVjp.binary(b, n, g, need, e);
            case Select s -> ElementwiseVjp.select(n, g, need, e);
            case LayoutOp l -> LayoutVjp.of(l, n, g, need, e);
            case IndexOp x -> IndexVjp.of(x, n, g, need, e);
            case DotGeneral d -> LinalgVjp.dot(d, n, g, need, e);
            case Convolution c -> ConvVjp.of(c, n, g, need, e);
            case ReduceOp r -> LinalgVjp.reduce(r, n, g, e);
            case WindowOp w -> WindowVjp.of(w, n, g, need, e);
            // Random bits are i32 and have no gradient (OpKind.differentiable() is false).
            case RandomBits r -> new Node[n.operands().size()];
            // Every replica's loss depends on every replica's operand: the cotangents sum over replicas.
            case AllReduce a -> new Node[] {e.op(a, g)};
        };
    }
}
