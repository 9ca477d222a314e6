package dev.lockstep.graph;

import dev.lockstep.tensor.TensorType;
import java.util.Arrays;
import java.util.Objects;

/** Ops with no operands: graph inputs, literals and index ramps. */
public sealed interface LeafOp extends Op {

    /** Input {@code index} of the graph, named for error messages (e.g. a parameter path). */
    record Parameter(int index, String name, TensorType type) implements LeafOp {
        public Parameter {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            if (index < 0) {
                throw new IllegalArgumentException("parameter index must be >= 0, got " + index);
            }
        }
    }

    /**
     * A literal tensor. {@code values} holds every element in row-major order, or exactly one value
     * that is splatted over the shape. Integer and bool values must be exact integers (bool: 0 or 1).
     */
    record Constant(TensorType type, double[] values) implements LeafOp {
        public Constant {
            Objects.requireNonNull(type, "type");
            values = values.clone();
            long n = type.shape().size();
            if (values.length != 1 && values.length != n) {
                throw new IllegalArgumentException("constant of type " + type + " needs 1 or " + n
                        + " values, got " + values.length);
            }
            if (!type.dtype().isFloating()) {
                for (double v : values) {
                    if (v != Math.rint(v) || Math.abs(v) > (1L << 53)
                            || (type.dtype().isBool() && v != 0 && v != 1)) {
                        throw new IllegalArgumentException(
                                "constant of type " + type + " cannot hold value " + v);
                    }
                }
            }
        }

        public boolean isSplat() {
            return values.length == 1;
        }

        /** Element {@code i} in row-major order (handles splats). */
        public double value(long i) {
            return values.length == 1 ? values[0] : values[(int) i];
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Constant c && c.type.equals(type) && Arrays.equals(c.values, values);
        }

        @Override
        public int hashCode() {
            return 31 * type.hashCode() + Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            String v = values.length <= 8 ? Arrays.toString(values) : "[" + values.length + " values]";
            return "Constant[" + type + ", " + v + "]";
        }
    }

    /** {@code stablehlo.iota}: element at index i holds i[axis]. */
    record Iota(TensorType type, int axis) implements LeafOp {
        public Iota {
            Objects.requireNonNull(type, "type");
        }
    }
}
