package dev.lockstep.tensor;

import java.util.Arrays;

/** A static, immutable tensor shape. Rank 0 is a scalar; dimensions may be 0 (empty tensors). */
public final class Shape {
    private static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        if (dims.length == 0) {
            return SCALAR;
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException(
                        "dimension " + i + " of shape " + Arrays.toString(dims) + " is negative");
            }
        }
        return new Shape(dims.clone());
    }

    public static Shape scalar() {
        return SCALAR;
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int axis) {
        return dims[axis];
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    /** Number of elements (1 for a scalar, 0 if any dimension is 0). */
    public long size() {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** Row-major strides in elements. */
    public long[] strides() {
        long[] s = new long[dims.length];
        long acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    public boolean isScalar() {
        return dims.length == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** Written like StableHLO dimensions: {@code [2, 3]}; a scalar is {@code []}. */
    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
