package dev.lockstep.graph.autodiff;

import dev.lockstep.graph.BinaryOp;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.LayoutOp;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.ReduceOp;
import dev.lockstep.graph.Select;
import dev.lockstep.graph.UnaryOp;
import dev.lockstep.tensor.Shape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny evaluator of elementwise ops, broadcast and sum for this package's value tests (the
 * full reference interpreter lives in device/api, which graph cannot depend on). Other ops throw.
 */
final class MiniEval {
    private MiniEval() {}

    static List<double[]> eval(Graph g, List<double[]> inputs) {
        Map<Integer, double[]> v = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            v.put(g.parameters().get(i).id(), inputs.get(i));
        }
        for (Node n : g.nodes()) {
            if (!v.containsKey(n.id())) {
                v.put(n.id(), node(n, v));
            }
        }
        return g.outputs().stream().map(o -> v.get(o.id())).toList();
    }

    private static double[] node(Node n, Map<Integer, double[]> v) {
        int size = (int) n.shape().size();
        double[] out = new double[size];
        double[] a = n.operands().isEmpty() ? null : v.get(n.operand(0).id());
        double[] b = n.operands().size() < 2 ? null : v.get(n.operand(1).id());
        switch (n.op()) {
            case LeafOp.Constant c -> {
                for (int i = 0; i < size; i++) {
                    out[i] = c.value(i);
                }
            }
            case UnaryOp u -> {
                for (int i = 0; i < size; i++) {
                    out[i] = unary(u, a[i]);
                }
            }
            case BinaryOp op -> {
                for (int i = 0; i < size; i++) {
                    out[i] = binary(op, a[i], b[i]);
                }
            }
            case Select s -> {
                double[] f = v.get(n.operand(2).id());
                for (int i = 0; i < size; i++) {
                    out[i] = a[i] != 0 ? b[i] : f[i];
                }
            }
            case LayoutOp.BroadcastInDim bc -> {
                Shape in = n.operand(0).shape();
                for (int i = 0; i < size; i++) {
                    int[] idx = unravel(i, n.shape());
                    int src = 0;
                    for (int d = 0; d < in.rank(); d++) {
                        src = src * in.dim(d) + (in.dim(d) == 1 ? 0 : idx[bc.dims()[d]]);
                    }
                    out[i] = a[src];
                }
            }
            case LayoutOp.Reshape r -> System.arraycopy(a, 0, out, 0, size);
            case ReduceOp.Reduce r when r.reduction() == ReduceOp.Reduction.SUM -> {
                Shape in = n.operand(0).shape();
                for (int i = 0; i < a.length; i++) {
                    int[] idx = unravel(i, in);
                    int dst = 0;
                    for (int d = 0; d < in.rank(); d++) {
                        if (!Emit.contains(r.axes(), d)) {
                            dst = dst * in.dim(d) + idx[d];
                        }
                    }
                    out[dst] += a[i];
                }
            }
            default -> throw new UnsupportedOperationException("MiniEval does not evaluate " + n);
        }
        return out;
    }

    private static double unary(UnaryOp u, double x) {
        return switch (u) {
            case UnaryOp.Negate o -> -x;
            case UnaryOp.Exp o -> Math.exp(x);
            case UnaryOp.Log o -> Math.log(x);
            case UnaryOp.Tanh o -> Math.tanh(x);
            case UnaryOp.Sign o -> Math.signum(x);
            case UnaryOp.Convert o -> x;
            default -> throw new UnsupportedOperationException("MiniEval does not evaluate " + u);
        };
    }

    private static double binary(BinaryOp op, double x, double y) {
        return switch (op) {
            case BinaryOp.Add o -> x + y;
            case BinaryOp.Subtract o -> x - y;
            case BinaryOp.Multiply o -> x * y;
            case BinaryOp.Divide o -> x / y;
            case BinaryOp.Maximum o -> Math.max(x, y);
            case BinaryOp.Minimum o -> Math.min(x, y);
            case BinaryOp.Power o -> Math.pow(x, y);
            case BinaryOp.Compare c -> c.direction().test(x, y) ? 1 : 0;
        };
    }

    private static int[] unravel(int i, Shape s) {
        int[] idx = new int[s.rank()];
        for (int d = s.rank() - 1; d >= 0; d--) {
            idx[d] = i % s.dim(d);
            i /= s.dim(d);
        }
        return idx;
    }
}
