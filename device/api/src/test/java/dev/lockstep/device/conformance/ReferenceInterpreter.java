package dev.lockstep.device.conformance;

import dev.lockstep.graph.AllReduce;
import dev.lockstep.graph.BinaryOp;
import dev.lockstep.graph.Convolution;
import dev.lockstep.graph.DotGeneral;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.IndexOp;
import dev.lockstep.graph.LayoutOp;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.Op;
import dev.lockstep.graph.RandomBits;
import dev.lockstep.graph.ReduceOp;
import dev.lockstep.graph.Select;
import dev.lockstep.graph.Threefry;
import dev.lockstep.graph.UnaryOp;
import dev.lockstep.graph.WindowOp;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates any {@link Graph} with plain-Java arithmetic, independent of every executor: the
 * executable statement of each op's documented semantics that conformance suites compare
 * devices against. Floats are computed in f64 and rounded to each node's dtype (f32, bf16 and f16
 * round to nearest even at their precision), integers wrap at their width, RandomBits follows
 * {@link Threefry#bits}. Deliberately slow and simple; meant for small test tensors.
 */
public final class ReferenceInterpreter {
    private ReferenceInterpreter() {}

    /**
     * The values of {@code graph}'s outputs for {@code inputs} (one per parameter, of exactly its
     * type). bf16/f16 inputs are rounded to their precision first, as a device would on upload.
     */
    public static List<HostTensor> evaluate(Graph graph, List<HostTensor> inputs) {
        List<Node> params = graph.parameters();
        if (inputs.size() != params.size()) {
            throw new IllegalArgumentException("graph takes " + params.size() + " inputs, got " + inputs.size());
        }
        Map<Integer, RefValue> values = new HashMap<>();
        for (int i = 0; i < params.size(); i++) {
            Node p = params.get(i);
            if (!inputs.get(i).type().equals(p.type())) {
                throw new IllegalArgumentException("input " + i + " for parameter '" + name(p) + "' has type "
                        + inputs.get(i).type() + ", expected " + p.type());
            }
            values.put(p.id(), RefValue.fromHost(inputs.get(i)));
        }
        for (Node n : graph.nodes()) {
            if (n.op() instanceof LeafOp.Parameter) {
                continue;
            }
            List<RefValue> in = new ArrayList<>(n.operands().size());
            for (Node o : n.operands()) {
                in.add(values.get(o.id()));
            }
            try {
                values.put(n.id(), eval(n.op(), in, n.type()));
            } catch (RuntimeException e) {
                throw new IllegalStateException("reference evaluation failed at " + n + ": " + e.getMessage(), e);
            }
        }
        List<HostTensor> out = new ArrayList<>();
        for (Node o : graph.outputs()) {
            out.add(values.get(o.id()).toHost());
        }
        return out;
    }

    private static String name(Node p) {
        return p.op() instanceof LeafOp.Parameter lp ? lp.name() : p.toString();
    }

    static RefValue eval(Op op, List<RefValue> in, TensorType out) {
        return switch (op) {
            case LeafOp.Parameter p -> throw new IllegalStateException("parameters are bound before evaluation");
            case LeafOp.Constant c -> constant(c, out);
            case LeafOp.Iota i -> iota(i, out);
            case UnaryOp u -> ElementwiseRef.unary(u, in.get(0), out);
            case BinaryOp b -> ElementwiseRef.binary(b, in.get(0), in.get(1), out);
            case Select s -> ElementwiseRef.select(in.get(0), in.get(1), in.get(2));
            case LayoutOp l -> LayoutRef.layout(l, in, out);
            case IndexOp.Gather g -> LayoutRef.gather(g, in.get(0), in.get(1), out);
            case IndexOp.ScatterAdd s -> ScatterRef.scatterAdd(s, in.get(0), in.get(1), in.get(2), out);
            case DotGeneral d -> ContractionRef.dotGeneral(d, in.get(0), in.get(1), out);
            case Convolution c -> ContractionRef.convolution(c, in.get(0), in.get(1), out);
            case ReduceOp.Reduce r -> ReduceRef.reduce(r, in.get(0), out);
            case ReduceOp.ArgMax a -> ReduceRef.argMax(a, in.get(0), out);
            case WindowOp.ReduceWindow w -> ReduceRef.reduceWindow(w, in.get(0), out);
            case WindowOp.SelectAndScatter s -> ReduceRef.selectAndScatter(s, in.get(0), in.get(1), out);
            case RandomBits r -> randomBits(in.get(0).i[0], in.get(1).i[0], out);
            // The reference is one replica: the sum over replicas is the operand.
            case AllReduce a -> in.get(0);
        };
    }

    private static RefValue constant(LeafOp.Constant c, TensorType out) {
        RefValue v = RefValue.zeros(out);
        for (int k = 0; k < v.size(); k++) {
            if (v.isFloat()) {
                v.f[k] = Rounding.round(out.dtype(), c.value(k));
            } else {
                v.i[k] = (long) c.value(k);
            }
        }
        return v;
    }

    private static RefValue iota(LeafOp.Iota i, TensorType out) {
        RefValue v = RefValue.zeros(out);
        int[] dims = out.shape().dims(), idx = new int[dims.length];
        for (int k = 0; k < v.size(); k++) {
            Indexing.unravel(k, dims, idx);
            if (v.isFloat()) {
                v.f[k] = Rounding.round(out.dtype(), idx[i.axis()]);
            } else {
                v.i[k] = idx[i.axis()];
            }
        }
        return v;
    }

    private static RefValue randomBits(long key, long counter, TensorType out) {
        RefValue v = RefValue.zeros(out);
        for (int k = 0; k < v.size(); k++) {
            v.i[k] = Threefry.bits(key, counter, k);
        }
        return v;
    }
}
