package dev.lockstep.graph;

import java.util.Objects;

/**
 * Elementwise ops of two operands of identical type (no implicit broadcasting in the graph; the
 * tracer inserts broadcast_in_dim). Compare returns bool; the others return the operand type.
 */
public sealed interface BinaryOp extends Op {
    record Add() implements BinaryOp {}

    record Subtract() implements BinaryOp {}

    record Multiply() implements BinaryOp {}

    /** Division; integer division truncates toward zero. */
    record Divide() implements BinaryOp {}

    /** Maximum; NaN propagates for floats. */
    record Maximum() implements BinaryOp {}

    record Minimum() implements BinaryOp {}

    record Power() implements BinaryOp {}

    record Compare(Direction direction) implements BinaryOp {
        public Compare {
            Objects.requireNonNull(direction, "direction");
        }
    }

    /** StableHLO comparison directions. */
    enum Direction {
        EQ, NE, LT, LE, GT, GE;

        public boolean test(double a, double b) {
            return switch (this) {
                case EQ -> a == b;
                case NE -> a != b;
                case LT -> a < b;
                case LE -> a <= b;
                case GT -> a > b;
                case GE -> a >= b;
            };
        }
    }
}
