package dev.lockstep.tensor;

import java.util.Objects;

/** Element type plus static shape of a graph value. */
public record TensorType(DType dtype, Shape shape) {
    public TensorType {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
    }

    public static TensorType of(DType dtype, int... dims) {
        return new TensorType(dtype, Shape.of(dims));
    }

    public int rank() {
        return shape.rank();
    }

    public TensorType withDType(DType d) {
        return new TensorType(d, shape);
    }

    public TensorType withShape(Shape s) {
        return new TensorType(dtype, s);
    }

    /** The MLIR tensor type, e.g. {@code tensor<2x3xf32>} or {@code tensor<f32>}. */
    public String mlir() {
        StringBuilder b = new StringBuilder("tensor<");
        for (int i = 0; i < shape.rank(); i++) {
            b.append(shape.dim(i)).append('x');
        }
        return b.append(dtype.mlirName()).append('>').toString();
    }

    @Override
    public String toString() {
        return dtype + shape.toString();
    }
}
