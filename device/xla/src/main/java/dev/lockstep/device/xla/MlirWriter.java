package dev.lockstep.device.xla;

import dev.lockstep.graph.Node;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends StableHLO ops in MLIR's generic syntax ({@code %v = "stablehlo.add"(%a, %b) : (T, T) -> T})
 * and remembers every value's type, so lowerings only name operands. The generic form is used for
 * every op because it is one grammar for all of them (regions included), which keeps the emitter and
 * {@link ModuleChecker} simple. Each line records the graph node that emitted it, so a problem found
 * later in the text (by the checker or by XLA's parser, which reports a line) names the node.
 *
 * <p>Value names are {@code %n<node id>_<k>}: unique in the whole module, because MLIR forbids
 * shadowing a name inside a nested region.
 */
final class MlirWriter {
    /** A region body: receives its block arguments and returns the values it yields. */
    @FunctionalInterface
    interface Body {
        List<String> build(List<String> args);
    }

    private final List<String> lines = new ArrayList<>();
    private final List<Node> owners = new ArrayList<>();
    private final Map<String, TensorType> types = new HashMap<>();
    /** MLIR type text of every value, including ones no graph dtype spells (ui32 inside Threefry). */
    private final Map<String, String> mlirTypes = new HashMap<>();
    private Node current;
    private int counter;
    private int depth;

    /** Subsequent lines belong to {@code node}. */
    void begin(Node node) {
        current = node;
        counter = 0;
    }

    /** A structural line owned by no node (module and function headers). */
    void raw(String line) {
        emit(line);
    }

    void declare(String value, TensorType type) {
        types.put(value, type);
        mlirTypes.put(value, type.mlir());
    }

    TensorType typeOf(String value) {
        TensorType t = types.get(value);
        if (t == null) {
            throw new IllegalStateException("emitter bug: value " + value + " has no type (node " + current + ")");
        }
        return t;
    }

    String fresh() {
        return "%n" + current.id() + "_" + counter++;
    }

    /** One op with one result and no regions. {@code attrs} is the attribute dictionary body or "". */
    String op(String name, TensorType result, String attrs, String... operands) {
        String v = rawOp(name, result.mlir(), attrs, operands);
        declare(v, result);
        return v;
    }

    /** Like {@link #op} for a result type given as MLIR text (e.g. {@code tensor<4xui32>}). */
    String rawOp(String name, String resultType, String attrs, String... operands) {
        String v = fresh();
        List<String> in = new ArrayList<>();
        for (String o : operands) {
            in.add(mlirTypeOf(o));
        }
        emit(v + " = \"" + name + "\"(" + String.join(", ", operands) + ")" + attrDict(attrs) + " : ("
                + String.join(", ", in) + ") -> " + resultType);
        mlirTypes.put(v, resultType);
        return v;
    }

    String mlirTypeOf(String value) {
        String t = mlirTypes.get(value);
        if (t == null) {
            throw new IllegalStateException("emitter bug: value " + value + " has no type (node " + current + ")");
        }
        return t;
    }

    /**
     * An op with regions and results; each region has a single block whose arguments are scalars of
     * {@code blockArgTypes}. Returns the result names ({@code %v#i} when there are several).
     */
    List<String> regionOp(String name, List<String> operands, List<TensorType> results, String attrs,
                          List<TensorType> blockArgTypes, Body... bodies) {
        String v = fresh();
        String head = results.size() == 1 ? v : v + ":" + results.size();
        emit(head + " = \"" + name + "\"(" + String.join(", ", operands) + ") ({");
        for (int r = 0; r < bodies.length; r++) {
            if (r > 0) {
                depth -= 2;
                emit("}, {");
            }
            depth++;
            List<String> args = new ArrayList<>();
            StringBuilder hdr = new StringBuilder("^bb0(");
            for (int i = 0; i < blockArgTypes.size(); i++) {
                String a = fresh();
                declare(a, blockArgTypes.get(i));
                args.add(a);
                hdr.append(i > 0 ? ", " : "").append(a).append(": ").append(blockArgTypes.get(i).mlir());
            }
            emit(hdr.append("):").toString());
            depth++;
            List<String> yields = bodies[r].build(args);
            emit("\"stablehlo.return\"(" + String.join(", ", yields) + ") : " + signature(yields, List.of()));
        }
        depth -= 2;
        emit("})" + attrDict(attrs) + " : " + signature(operands, results));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            String n = results.size() == 1 ? v : v + "#" + i;
            declare(n, results.get(i));
            names.add(n);
        }
        return names;
    }

    /** A constant of {@code type} with every element equal to {@code value}. */
    String splat(TensorType type, double value) {
        return op("stablehlo.constant", type, "value = " + Literals.dense(type, new double[] {value}));
    }

    String scalar(DType dtype, double value) {
        return splat(new TensorType(dtype, Shape.scalar()), value);
    }

    String signature(List<String> operands, List<TensorType> results) {
        List<String> in = new ArrayList<>();
        for (String o : operands) {
            in.add(mlirTypeOf(o));
        }
        String out = results.size() == 1 ? results.getFirst().mlir()
                : "(" + String.join(", ", results.stream().map(TensorType::mlir).toList()) + ")";
        return "(" + String.join(", ", in) + ") -> " + out;
    }

    private static String attrDict(String attrs) {
        return attrs.isEmpty() ? "" : " {" + attrs + "}";
    }

    private void emit(String line) {
        lines.add("  ".repeat(depth) + line);
        owners.add(current);
    }

    void indent(int delta) {
        depth += delta;
    }

    /** Sets the owner of subsequent structural lines (null: the module itself). */
    void clearOwner() {
        current = null;
    }

    List<String> lines() {
        return lines;
    }

    List<Node> owners() {
        return owners;
    }
}
