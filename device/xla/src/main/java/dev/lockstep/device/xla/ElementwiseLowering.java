package dev.lockstep.device.xla;

import dev.lockstep.graph.BinaryOp;
import dev.lockstep.graph.Node;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.UnaryOp;
import dev.lockstep.tensor.TensorType;

/** Elementwise ops: each graph op is exactly one StableHLO op. */
final class ElementwiseLowering {
    private ElementwiseLowering() {}

    static String unary(MlirWriter w, Node n, UnaryOp op, String x) {
        String name = switch (op) {
            case UnaryOp.Negate u -> "stablehlo.negate";
            case UnaryOp.Abs u -> "stablehlo.abs";
            case UnaryOp.Exp u -> "stablehlo.exponential";
            case UnaryOp.Log u -> "stablehlo.log";
            case UnaryOp.Log1p u -> "stablehlo.log_plus_one";
            case UnaryOp.Sqrt u -> "stablehlo.sqrt";
            case UnaryOp.Rsqrt u -> "stablehlo.rsqrt";
            case UnaryOp.Tanh u -> "stablehlo.tanh";
            case UnaryOp.Logistic u -> "stablehlo.logistic";
            case UnaryOp.Sign u -> "stablehlo.sign";
            case UnaryOp.Floor u -> "stablehlo.floor";
            case UnaryOp.Ceil u -> "stablehlo.ceil";
            case UnaryOp.Convert c -> "stablehlo.convert";
        };
        return w.op(name, n.type(), "", x);
    }

    static String binary(MlirWriter w, Node n, BinaryOp op, String a, String b) {
        return switch (op) {
            case BinaryOp.Add o -> w.op("stablehlo.add", n.type(), "", a, b);
            case BinaryOp.Subtract o -> w.op("stablehlo.subtract", n.type(), "", a, b);
            case BinaryOp.Multiply o -> w.op("stablehlo.multiply", n.type(), "", a, b);
            case BinaryOp.Divide o -> w.op("stablehlo.divide", n.type(), "", a, b);
            case BinaryOp.Maximum o -> extremum(w, "stablehlo.maximum", a, b);
            case BinaryOp.Minimum o -> extremum(w, "stablehlo.minimum", a, b);
            case BinaryOp.Power o -> w.op("stablehlo.power", n.type(), "", a, b);
            case BinaryOp.Compare c -> compare(w, c.direction(), a, b);
        };
    }

    /**
     * Maximum or minimum that propagates NaN. XLA's CPU backend (as built into TensorFlow) uses
     * "fast" min/max, where max(1, NaN) is 1 but max(NaN, 1) is NaN, so NaN is selected explicitly.
     */
    static String extremum(MlirWriter w, String name, String a, String b) {
        TensorType t = w.typeOf(a);
        String m = w.op(name, t, "", a, b);
        if (!t.dtype().isFloating()) {
            return m;
        }
        String r = w.op("stablehlo.select", t, "", compare(w, BinaryOp.Direction.NE, a, a), a, m);
        return w.op("stablehlo.select", t, "", compare(w, BinaryOp.Direction.NE, b, b), b, r);
    }

    /** {@code stablehlo.compare} with the IEEE (FLOAT), SIGNED or UNSIGNED (bool) comparison type. */
    static String compare(MlirWriter w, BinaryOp.Direction dir, String a, String b) {
        DType d = w.typeOf(a).dtype();
        String type = d.isFloating() ? "FLOAT" : d.isBool() ? "UNSIGNED" : "SIGNED";
        return w.op("stablehlo.compare", w.typeOf(a).withDType(DType.BOOL),
                "comparison_direction = #stablehlo<comparison_direction " + dir.name()
                        + ">, compare_type = #stablehlo<comparison_type " + type + ">", a, b);
    }

    /** {@code a & b}, {@code a | b} on bool (or integer) tensors of one type. */
    static String and(MlirWriter w, String a, String b) {
        return w.op("stablehlo.and", w.typeOf(a), "", a, b);
    }

    static String or(MlirWriter w, String a, String b) {
        return w.op("stablehlo.or", w.typeOf(a), "", a, b);
    }
}
