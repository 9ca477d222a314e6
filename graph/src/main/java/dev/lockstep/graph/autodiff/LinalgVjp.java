package dev.lockstep.graph.autodiff;

import dev.lockstep.graph.BinaryOp.Direction;
import dev.lockstep.graph.DotGeneral;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.ReduceOp;
import java.util.Arrays;

/** Rules for dot_general and reductions. */
final class LinalgVjp {
    private LinalgVjp() {}

    /**
     * Each operand's cotangent is a dot_general of the result's cotangent with the other operand,
     * contracting the other operand's free dimensions, then transposed into the operand's layout.
     */
    static Node[] dot(DotGeneral d, Node n, Node g, boolean[] need, Emit e) {
        Node lhs = n.operand(0), rhs = n.operand(1);
        int nb = d.lhsBatch().length;
        int[] lFree = Emit.complement(lhs.type().rank(), d.lhsBatch(), d.lhsContracting());
        int[] rFree = Emit.complement(rhs.type().rank(), d.rhsBatch(), d.rhsContracting());
        int[] gBatch = Emit.range(0, nb);
        int[] gL = Emit.range(nb, nb + lFree.length);
        int[] gR = Emit.range(nb + lFree.length, n.type().rank());
        Node[] out = new Node[2];
        if (need[0]) {
            out[0] = side(g, rhs, gBatch, gR, d.rhsBatch(), rFree, d.lhsBatch(), lFree, d.lhsContracting(),
                    d.rhsContracting(), e);
        }
        if (need[1]) {
            out[1] = side(g, lhs, gBatch, gL, d.lhsBatch(), lFree, d.rhsBatch(), rFree, d.rhsContracting(),
                    d.lhsContracting(), e);
        }
        return out;
    }

    /**
     * The cotangent of one operand ("self") given the other: contract g's dimensions that came from
     * the other's free dimensions, giving [batch, self free, other contracting (ascending)], then
     * move each to its axis in self.
     */
    private static Node side(Node g, Node other, int[] gBatch, int[] gOther, int[] otherBatch, int[] otherFree,
                             int[] selfBatch, int[] selfFree, int[] selfContracting, int[] otherContracting, Emit e) {
        Node prod = e.op(new DotGeneral(gBatch, otherBatch, gOther, otherFree), g, other);
        int[] sortedOtherContracting = otherContracting.clone();
        Arrays.sort(sortedOtherContracting);
        int[] src = new int[prod.type().rank()];
        int k = 0;
        for (int a : selfBatch) {
            src[k++] = a;
        }
        for (int a : selfFree) {
            src[k++] = a;
        }
        for (int c : sortedOtherContracting) {
            src[k++] = selfContracting[Emit.indexOf(otherContracting, c)];
        }
        // prod dimension p is self axis src[p]; transpose result axis i takes prod axis inverse[i].
        return e.transpose(prod, Emit.inverse(src));
    }

    static Node[] reduce(ReduceOp op, Node n, Node g, Emit e) {
        Node x = n.operand(0);
        return switch (op) {
            case ReduceOp.Reduce r -> new Node[] {switch (r.reduction()) {
                case SUM -> back(g, x, r.axes(), e);
                case MAX, MIN -> extremum(r.axes(), n, g, e);
            }};
            // Integer result: never on a gradient path.
            case ReduceOp.ArgMax a -> new Node[1];
        };
    }

    /** Broadcasts a reduced tensor back over the reduced axes of {@code x}. */
    private static Node back(Node reduced, Node x, int[] axes, Emit e) {
        return e.broadcast(reduced, x.shape(), Emit.complement(x.type().rank(), axes));
    }

    /** The cotangent goes to the elements equal to the extremum, split equally among ties. */
    private static Node extremum(int[] axes, Node n, Node g, Emit e) {
        Node x = n.operand(0);
        Node hit = e.compare(Direction.EQ, x, back(n, x, axes, e));
        Node count = e.sum(e.select(hit, e.like(x, 1), e.like(x, 0)), axes);
        return e.select(hit, back(e.div(g, count), x, axes, e), e.like(x, 0));
    }
}
