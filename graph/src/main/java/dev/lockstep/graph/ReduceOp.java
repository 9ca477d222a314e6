package dev.lockstep.graph;

import dev.lockstep.tensor.DType;
import java.util.Objects;

/** Reductions over a set of axes, lowered to {@code stablehlo.reduce} with the matching body. */
public sealed interface ReduceOp extends Op {

    /** The combiner of a reduce or reduce_window, with its identity as the init value. */
    enum Reduction {
        SUM, MAX, MIN;

        public double identity() {
            return switch (this) {
                case SUM -> 0.0;
                case MAX -> Double.NEGATIVE_INFINITY;
                case MIN -> Double.POSITIVE_INFINITY;
            };
        }

        public double combine(double a, double b) {
            return switch (this) {
                case SUM -> a + b;
                case MAX -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
                case MIN -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
            };
        }
    }

    /** Removes {@code axes} (distinct, any order) by combining their elements. */
    record Reduce(Reduction reduction, int[] axes) implements ReduceOp {
        public Reduce {
            Objects.requireNonNull(reduction, "reduction");
            axes = axes.clone();
        }
    }

    /**
     * Index of the largest element along {@code axis} (ties: the smallest index), as an integer
     * tensor of {@code indexType}. Lowered as a two-operand (value, index) reduce.
     */
    record ArgMax(int axis, DType indexType) implements ReduceOp {
        public ArgMax {
            Objects.requireNonNull(indexType, "indexType");
        }
    }
}
