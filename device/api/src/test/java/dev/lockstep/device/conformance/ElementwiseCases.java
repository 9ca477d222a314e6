package dev.lockstep.device.conformance;

import static dev.lockstep.device.conformance.CaseBuilder.ALL;
import static dev.lockstep.device.conformance.CaseBuilder.FLOATS;
import static dev.lockstep.device.conformance.CaseBuilder.NUMERIC;
import static dev.lockstep.device.conformance.CaseBuilder.ints;

import dev.lockstep.device.conformance.Input.Domain;
import dev.lockstep.graph.BinaryOp;
import dev.lockstep.graph.LayoutOp;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.OpKind;
import dev.lockstep.graph.Select;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import dev.lockstep.graph.UnaryOp;
import dev.lockstep.tensor.TensorType;
import java.util.List;

/** Cases for leaves, elementwise ops, select and broadcasting patterns. */
final class ElementwiseCases {
    private ElementwiseCases() {}

    /** Scalars, size-1 and empty dimensions, and ordinary shapes. */
    static final List<int[]> SHAPES = List.of(ints(), ints(1), ints(7), ints(0), ints(2, 3), ints(3, 1, 4), ints(2, 0, 3));
    /** Shape handling does not depend on the dtype, so other dtypes get fewer shapes (keeps the suite fast). */
    static final List<int[]> FEW_SHAPES = List.of(ints(), ints(2, 3), ints(2, 0, 3));

    static List<int[]> shapesFor(DType d) {
        return d == DType.F32 || d == DType.I32 ? SHAPES : FEW_SHAPES;
    }

    static void addAll(CaseBuilder c) {
        leaves(c);
        unary(c);
        convert(c);
        binary(c);
        select(c);
    }

    private static void leaves(CaseBuilder c) {
        for (DType d : ALL) {
            // an output that is a parameter must still land in its own output buffer
            c.add(OpKind.PARAMETER, "identity", 1, List.of(Input.of(d, 2, 3)), (b, p) -> p.getFirst());
            c.op(new LeafOp.Constant(TensorType.of(d, 2, 2), new double[] {1, 0, 1, 1}));
            c.op(new LeafOp.Constant(TensorType.of(d, 3), new double[] {d.isBool() ? 1 : 5}));
            c.op(new LeafOp.Constant(TensorType.of(d), new double[] {0}));
            c.op(new LeafOp.Constant(TensorType.of(d, 0, 2), new double[] {1}));
        }
        for (DType d : NUMERIC) {
            c.op(new LeafOp.Iota(TensorType.of(d, 5), 0));
            c.op(new LeafOp.Iota(TensorType.of(d, 2, 3, 4), 1));
            c.op(new LeafOp.Iota(TensorType.of(d, 3, 0), 0));
        }
    }

    private static void unary(CaseBuilder c) {
        List<UnaryOp> anySign = List.of(new UnaryOp.Negate(), new UnaryOp.Abs(), new UnaryOp.Sign());
        for (DType d : NUMERIC) {
            for (UnaryOp op : anySign) {
                for (int[] s : shapesFor(d)) {
                    c.op(op, Input.of(d, op instanceof UnaryOp.Sign ? Domain.GRID : Domain.ANY, s));
                }
            }
        }
        record FloatUnary(UnaryOp op, Domain domain) {}
        List<FloatUnary> floatOnly = List.of(
                new FloatUnary(new UnaryOp.Exp(), Domain.ANY), new FloatUnary(new UnaryOp.Log(), Domain.POSITIVE),
                new FloatUnary(new UnaryOp.Log1p(), Domain.POSITIVE), new FloatUnary(new UnaryOp.Sqrt(), Domain.POSITIVE),
                new FloatUnary(new UnaryOp.Rsqrt(), Domain.POSITIVE), new FloatUnary(new UnaryOp.Tanh(), Domain.ANY),
                new FloatUnary(new UnaryOp.Logistic(), Domain.WIDE), new FloatUnary(new UnaryOp.Floor(), Domain.WIDE),
                new FloatUnary(new UnaryOp.Ceil(), Domain.WIDE));
        for (DType d : FLOATS) {
            for (FloatUnary u : floatOnly) {
                c.op(u.op(), Input.of(d, u.domain(), 2, 3));
                c.op(u.op(), Input.of(d, u.domain()));
                c.op(u.op(), Input.of(d, u.domain(), 4, 0));
            }
            c.op(new UnaryOp.Abs(), Input.of(d, Domain.NAN, 8));
            c.op(new UnaryOp.Sign(), Input.of(d, Domain.NAN, 8));
        }
    }

    private static void convert(CaseBuilder c) {
        for (DType from : ALL) {
            for (DType to : ALL) {
                Domain domain = to.isBool() ? Domain.GRID : from.isFloating() && to.isInteger() ? Domain.WIDE : Domain.ANY;
                c.op(new UnaryOp.Convert(to), Input.of(from, domain, 3, 4));
            }
            c.op(new UnaryOp.Convert(DType.F32), Input.of(from, 0, 3));
        }
    }

    private static void binary(CaseBuilder c) {
        for (DType d : NUMERIC) {
            List<BinaryOp> ops = List.of(new BinaryOp.Add(), new BinaryOp.Subtract(), new BinaryOp.Multiply(),
                    new BinaryOp.Divide(), new BinaryOp.Maximum(), new BinaryOp.Minimum(), new BinaryOp.Power());
            for (BinaryOp op : ops) {
                Domain left = op instanceof BinaryOp.Power && d.isFloating() ? Domain.POSITIVE
                        : op instanceof BinaryOp.Power ? Domain.GRID : Domain.ANY;
                // integer powers stay non-negative: negative exponents are where backends disagree
                Domain right = op instanceof BinaryOp.Divide ? Domain.NONZERO
                        : op instanceof BinaryOp.Power && !d.isFloating() ? Domain.POSITIVE : Domain.ANY;
                for (int[] s : shapesFor(d)) {
                    Input r = op instanceof BinaryOp.Power && !d.isFloating()
                            ? Input.range(d, 0, 5, s) : Input.of(d, right, s);
                    c.op(op, Input.of(d, left, s), r);
                }
                if (d == DType.F32 || d == DType.I32) {
                    broadcasts(c, op, d, left, right);
                }
            }
        }
        for (DType d : ALL) {
            for (BinaryOp.Direction dir : BinaryOp.Direction.values()) {
                c.op(new BinaryOp.Compare(dir), Input.of(d, Domain.GRID, 3, 4), Input.of(d, Domain.GRID, 3, 4));
                if (d == DType.F32 || d == DType.I32) {
                    c.op(new BinaryOp.Compare(dir), Input.of(d, Domain.GRID), Input.of(d, Domain.GRID));
                    c.op(new BinaryOp.Compare(dir), Input.of(d, 0, 2), Input.of(d, 0, 2));
                }
            }
        }
        for (DType d : FLOATS) {
            for (BinaryOp op : List.of(new BinaryOp.Maximum(), new BinaryOp.Minimum(), new BinaryOp.Add(),
                    new BinaryOp.Compare(BinaryOp.Direction.NE), new BinaryOp.Compare(BinaryOp.Direction.LT))) {
                c.op(op, Input.of(d, Domain.NAN, 16), Input.of(d, Domain.NAN, 16));
            }
        }
    }

    /** NumPy-style patterns expressed with broadcast_in_dim: [3,1]x[1,4], scalar x [2,3], [4] x [3,4]. */
    private static void broadcasts(CaseBuilder c, BinaryOp op, DType d, Domain left, Domain right) {
        Shape target = Shape.of(3, 4);
        c.add(OpKind.of(op), "broadcast [3,1] x [1,4]", 1,
                List.of(Input.of(d, left, 3, 1), Input.of(d, right, 1, 4)), (b, p) -> b.add(op,
                        broadcast(b, p.get(0), target, 0, 1), broadcast(b, p.get(1), target, 0, 1)));
        c.add(OpKind.of(op), "broadcast scalar x [3,4] and [4] x [3,4]", 1,
                List.of(Input.of(d, left), Input.of(d, right, 4)), (b, p) -> b.add(op,
                        broadcast(b, p.get(0), target), broadcast(b, p.get(1), target, 1)));
        c.add(OpKind.of(op), "broadcast [3] x [3,4] (leading axis)", 1,
                List.of(Input.of(d, left, 3, 4), Input.of(d, right, 3)), (b, p) -> b.add(op,
                        p.get(0), broadcast(b, p.get(1), target, 0)));
    }

    static Node broadcast(dev.lockstep.graph.GraphBuilder b, Node x, Shape target, int... dims) {
        return b.add(new LayoutOp.BroadcastInDim(target, dims), x);
    }

    private static void select(CaseBuilder c) {
        for (DType d : ALL) {
            for (int[] s : List.of(ints(), ints(5), ints(2, 3), ints(0, 4))) {
                c.op(new Select(), Input.of(DType.BOOL, s), Input.of(d, s), Input.of(d, s));
            }
            Shape target = Shape.of(2, 3);
            c.add(OpKind.SELECT, "broadcast predicate [3] and scalar branch", 1,
                    List.of(Input.of(DType.BOOL, 3), Input.of(d, 2, 3), Input.of(d)), (b, p) -> b.add(new Select(),
                            broadcast(b, p.get(0), target, 1), p.get(1), broadcast(b, p.get(2), target)));
        }
    }
}
