package dev.lockstep.graph;

import dev.lockstep.tensor.DType;
import java.util.Objects;

/** Elementwise ops of one operand. The result has the operand's type (Convert: its shape). */
public sealed interface UnaryOp extends Op {
    record Negate() implements UnaryOp {}

    record Abs() implements UnaryOp {}

    record Exp() implements UnaryOp {}

    record Log() implements UnaryOp {}

    /** log(1 + x), accurate for small x. */
    record Log1p() implements UnaryOp {}

    record Sqrt() implements UnaryOp {}

    record Rsqrt() implements UnaryOp {}

    record Tanh() implements UnaryOp {}

    /** The logistic sigmoid 1 / (1 + e^-x). */
    record Logistic() implements UnaryOp {}

    /** -1, 0 or 1 (NaN stays NaN for floats). */
    record Sign() implements UnaryOp {}

    record Floor() implements UnaryOp {}

    record Ceil() implements UnaryOp {}

    /**
     * {@code stablehlo.convert}. Float to integer truncates toward zero; to bool is {@code x != 0};
     * bool to number is 0 or 1.
     */
    record Convert(DType to) implements UnaryOp {
        public Convert {
            Objects.requireNonNull(to, "to");
        }
    }

    /** Ops defined only on floating-point operands. */
    default boolean floatOnly() {
        return switch (this) {
            case Exp e -> true;
            case Log l -> true;
            case Log1p l -> true;
            case Sqrt s -> true;
            case Rsqrt r -> true;
            case Tanh t -> true;
            case Logistic l -> true;
            case Floor f -> true;
            case Ceil c -> true;
            case Negate n -> false;
            case Abs a -> false;
            case Sign s -> false;
            case Convert c -> false;
        };
    }
}
