package dev.lockstep.device.xla;

import dev.lockstep.device.CompileException;
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
import dev.lockstep.graph.UnaryOp;
import dev.lockstep.graph.WindowOp;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers a {@link Graph} to a StableHLO module: {@code func.func public @main} takes the graph's
 * parameters in index order and returns its outputs. Every op is lowered by an exhaustive switch
 * over the sealed op type (invariant 8: an op without a lowering does not exist). The text is then
 * checked by {@link ModuleChecker}, because XLA reports a malformed module to Java only as "Cannot
 * deserialize computation".
 */
public final class StableHloEmitter {
    private StableHloEmitter() {}

    /** Lowers {@code graph}; errors are reported for the device called "stablehlo". */
    public static StableHloModule emit(Graph graph) {
        return emit(graph, "stablehlo");
    }

    /** Lowers {@code graph}; a {@link CompileException} names {@code device} and the culprit node. */
    public static StableHloModule emit(Graph graph, String device) {
        MlirWriter w = new MlirWriter();
        Map<Node, String> values = new HashMap<>();
        List<String> args = new ArrayList<>();
        for (Node p : graph.parameters()) {
            String name = "%arg" + p.id();
            values.put(p, name);
            w.declare(name, p.type());
            args.add(name + ": " + p.type().mlir());
        }
        List<String> results = graph.outputTypes().stream().map(TensorType::mlir).toList();
        w.raw("module @lockstep {");
        w.indent(1);
        w.raw("func.func public @main(" + String.join(", ", args) + ") -> (" + String.join(", ", results) + ") {");
        w.indent(1);
        for (Node n : graph.nodes()) {
            if (n.op() instanceof LeafOp.Parameter) {
                continue;
            }
            w.begin(n);
            List<String> in = n.operands().stream().map(values::get).toList();
            try {
                values.put(n, lower(w, n, in));
            } catch (RuntimeException e) {
                throw new CompileException(device, n, "lowering to StableHLO failed: " + e.getMessage(), e);
            }
        }
        w.clearOwner();
        List<String> outs = graph.outputs().stream().map(values::get).toList();
        w.raw("\"func.return\"(" + String.join(", ", outs) + ") : " + w.signature(outs, List.of()));
        w.indent(-1);
        w.raw("}");
        w.indent(-1);
        w.raw("}");
        StableHloModule module = new StableHloModule(graph, String.join("\n", w.lines()) + "\n",
                graph.inputTypes(), graph.outputTypes(), w.owners());
        ModuleChecker.check(module, values, device);
        return module;
    }

    private static String lower(MlirWriter w, Node n, List<String> in) {
        Op op = n.op();
        return switch (op) {
            case LeafOp.Parameter p -> throw new IllegalStateException("parameters are function arguments");
            case LeafOp.Constant c -> w.op("stablehlo.constant", n.type(), "value = " + Literals.dense(c.type(), constantValues(c)));
            case LeafOp.Iota i -> w.op("stablehlo.iota", n.type(), "iota_dimension = " + i.axis() + " : i64");
            case UnaryOp u -> ElementwiseLowering.unary(w, n, u, in.getFirst());
            case BinaryOp b -> ElementwiseLowering.binary(w, n, b, in.get(0), in.get(1));
            case Select s -> w.op("stablehlo.select", n.type(), "", in.get(0), in.get(1), in.get(2));
            case LayoutOp l -> LayoutLowering.lower(w, n, l, in);
            case IndexOp x -> IndexLowering.lower(w, n, x, in);
            case DotGeneral d -> IndexLowering.dot(w, n, d, in.get(0), in.get(1));
            case Convolution c -> IndexLowering.convolution(w, n, c, in.get(0), in.get(1));
            case ReduceOp r -> ReduceLowering.lower(w, n, r, in.getFirst());
            case WindowOp win -> ReduceLowering.window(w, n, win, in);
            case RandomBits r -> ThreefryLowering.lower(w, n, r, in.get(0), in.get(1));
            case AllReduce a -> ReduceLowering.allReduce(w, n, in.getFirst());
        };
    }

    private static double[] constantValues(LeafOp.Constant c) {
        if (c.isSplat()) {
            return new double[] {c.value(0)};
        }
        double[] v = new double[(int) c.type().shape().size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = c.value(i);
        }
        return v;
    }
}
