package dev.lockstep.graph;

import java.util.Objects;

/**
 * Sliding-window ops over every dimension of the operand (pooling uses window 1 on batch and
 * channel dimensions). Padding is filled with the reduction's identity.
 */
public sealed interface WindowOp extends Op {

    /** {@code stablehlo.reduce_window}: max or sum pooling. */
    record ReduceWindow(ReduceOp.Reduction reduction, int[] window, int[] strides, int[] padLow,
                        int[] padHigh) implements WindowOp {
        public ReduceWindow {
            Objects.requireNonNull(reduction, "reduction");
            window = window.clone();
            strides = strides.clone();
            padLow = padLow.clone();
            padHigh = padHigh.clone();
        }
    }

    /**
     * {@code stablehlo.select_and_scatter} with select = GE (first maximum of each window wins)
     * and scatter = add, init 0. Operands: operand, source (shaped like the max reduce_window
     * output). The result has the operand's type: the gradient of max pooling.
     */
    record SelectAndScatter(int[] window, int[] strides, int[] padLow, int[] padHigh) implements WindowOp {
        public SelectAndScatter {
            window = window.clone();
            strides = strides.clone();
            padLow = padLow.clone();
            padHigh = padHigh.clone();
        }
    }
}
