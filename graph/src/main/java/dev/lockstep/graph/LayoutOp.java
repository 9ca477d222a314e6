package dev.lockstep.graph;

import dev.lockstep.tensor.Shape;
import java.util.Objects;

/** Ops that move, copy or re-index elements without arithmetic. */
public sealed interface LayoutOp extends Op {

    /**
     * {@code stablehlo.broadcast_in_dim}: operand dimension i maps to result dimension
     * {@code dims[i]}; each operand dimension is 1 or equal to the result's.
     */
    record BroadcastInDim(Shape shape, int[] dims) implements LayoutOp {
        public BroadcastInDim {
            Objects.requireNonNull(shape, "shape");
            dims = dims.clone();
        }
    }

    /** Row-major reshape to a shape with the same number of elements. */
    record Reshape(Shape shape) implements LayoutOp {
        public Reshape {
            Objects.requireNonNull(shape, "shape");
        }
    }

    /** Result dimension i is operand dimension {@code permutation[i]}. */
    record Transpose(int[] permutation) implements LayoutOp {
        public Transpose {
            permutation = permutation.clone();
        }
    }

    /** Static strided slice: {@code [start, limit)} with {@code strides} (all >= 1). */
    record Slice(int[] start, int[] limit, int[] strides) implements LayoutOp {
        public Slice {
            start = start.clone();
            limit = limit.clone();
            strides = strides.clone();
        }
    }

    /**
     * Slice of static {@code sizes} at runtime start indices: operands are the tensor followed by
     * one integer scalar per dimension. Starts are clamped to {@code [0, dim - size]}.
     */
    record DynamicSlice(int[] sizes) implements LayoutOp {
        public DynamicSlice {
            sizes = sizes.clone();
        }
    }

    /** Joins its (variadic, same-dtype) operands along {@code axis}. */
    record Concatenate(int axis) implements LayoutOp {}

    /**
     * Operands: tensor and scalar padding value. Adds {@code low}/{@code high} edge padding and
     * {@code interior} padding between elements, per dimension (all >= 0).
     */
    record Pad(int[] low, int[] high, int[] interior) implements LayoutOp {
        public Pad {
            low = low.clone();
            high = high.clone();
            interior = interior.clone();
        }
    }

    /** Reverses the order of elements along each of {@code axes}. */
    record Reverse(int[] axes) implements LayoutOp {
        public Reverse {
            axes = axes.clone();
        }
    }
}
