package dev.lockstep.graph.autodiff;

import dev.lockstep.graph.BinaryOp;
import dev.lockstep.graph.BinaryOp.Direction;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.UnaryOp;

/** Rules for elementwise unary and binary ops and select. */
final class ElementwiseVjp {
    private ElementwiseVjp() {}

    static Node[] unary(UnaryOp op, Node n, Node g, Emit e) {
        Node x = n.operand(0);
        Node gx = switch (op) {
            case UnaryOp.Negate u -> e.neg(g);
            case UnaryOp.Abs u -> e.mul(g, e.sign(x));
            case UnaryOp.Exp u -> e.mul(g, n);
            case UnaryOp.Log u -> e.div(g, x);
            case UnaryOp.Log1p u -> e.div(g, e.add(x, e.like(x, 1)));
            // d sqrt(x) = 1 / (2 sqrt(x)), reusing the forward result.
            case UnaryOp.Sqrt u -> e.div(e.mul(g, 0.5), n);
            // d x^-1/2 = -1/2 x^-3/2 = -1/2 y^3.
            case UnaryOp.Rsqrt u -> e.mul(e.mul(g, -0.5), e.mul(n, e.mul(n, n)));
            case UnaryOp.Tanh u -> e.mul(g, e.sub(e.like(n, 1), e.mul(n, n)));
            case UnaryOp.Logistic u -> e.mul(g, e.mul(n, e.sub(e.like(n, 1), n)));
            // Piecewise constant: zero almost everywhere.
            case UnaryOp.Sign u -> e.like(x, 0);
            case UnaryOp.Floor u -> e.like(x, 0);
            case UnaryOp.Ceil u -> e.like(x, 0);
            // Reached only float to float (Autodiff.carries); the cotangent goes back to x's precision.
            case UnaryOp.Convert c -> e.convert(g, x.dtype());
        };
        return new Node[] {gx};
    }

    static Node[] binary(BinaryOp op, Node n, Node g, boolean[] need, Emit e) {
        Node a = n.operand(0), b = n.operand(1);
        Node[] out = new Node[2];
        switch (op) {
            case BinaryOp.Add o -> {
                out[0] = g;
                out[1] = g;
            }
            case BinaryOp.Subtract o -> {
                out[0] = g;
                out[1] = need[1] ? e.neg(g) : null;
            }
            case BinaryOp.Multiply o -> {
                out[0] = need[0] ? e.mul(g, b) : null;
                out[1] = need[1] ? e.mul(g, a) : null;
            }
            case BinaryOp.Divide o -> {
                Node gb = need[0] || need[1] ? e.div(g, b) : null;
                out[0] = gb;
                out[1] = need[1] ? e.neg(e.mul(gb, n)) : null;
            }
            // Ties split the cotangent equally, matching the central difference there.
            case BinaryOp.Maximum o -> {
                out[0] = need[0] ? e.mul(g, share(Direction.GT, a, b, e)) : null;
                out[1] = need[1] ? e.mul(g, share(Direction.GT, b, a, e)) : null;
            }
            case BinaryOp.Minimum o -> {
                out[0] = need[0] ? e.mul(g, share(Direction.LT, a, b, e)) : null;
                out[1] = need[1] ? e.mul(g, share(Direction.LT, b, a, e)) : null;
            }
            case BinaryOp.Power o -> {
                out[0] = need[0] ? powerBase(n, g, e) : null;
                out[1] = need[1] ? powerExponent(n, g, e) : null;
            }
            // Bool result: never on a gradient path.
            case BinaryOp.Compare o -> { }
        }
        return out;
    }

    /** 1 where {@code x dir y}, 1/2 where equal, else 0. */
    private static Node share(Direction dir, Node x, Node y, Emit e) {
        Node half = e.select(e.compare(Direction.EQ, x, y), e.like(x, 0.5), e.like(x, 0));
        return e.select(e.compare(dir, x, y), e.like(x, 1), half);
    }

    /** d x^y / dx = y x^(y-1); taken as 0 where y = 0 so that x = 0 does not give 0 * inf. */
    private static Node powerBase(Node n, Node g, Emit e) {
        Node x = n.operand(0), y = n.operand(1);
        Node d = e.mul(y, e.pow(x, e.sub(y, e.like(y, 1))));
        Node guarded = e.select(e.compare(Direction.EQ, y, e.like(y, 0)), e.like(y, 0), d);
        return e.mul(g, guarded);
    }

    /** d x^y / dy = log(x) x^y; taken as 0 for x <= 0, where log is undefined (0^y is constant). */
    private static Node powerExponent(Node n, Node g, Emit e) {
        Node x = n.operand(0);
        Node d = e.mul(e.log(x), n);
        Node guarded = e.select(e.compare(Direction.GT, x, e.like(x, 0)), d, e.like(x, 0));
        return e.mul(g, guarded);
    }

    static Node[] select(Node n, Node g, boolean[] need, Emit e) {
        Node pred = n.operand(0);
        Node zero = e.like(g, 0);
        return new Node[] {
            null,
            need[1] ? e.select(pred, g, zero) : null,
            need[2] ? e.select(pred, zero, g) : null,
        };
    }
}
