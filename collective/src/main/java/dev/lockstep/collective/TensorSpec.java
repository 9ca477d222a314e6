package dev.lockstep.collective;

import dev.lockstep.tensor.DType;
import java.util.Objects;

/** A tensor to be reduced, as the bucket layout sees it: its path, element type and element count. */
public record TensorSpec(String path, DType dtype, long elements) {
    public TensorSpec {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(dtype, "dtype");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("tensor path must not be empty");
        }
        if (elements < 0) {
            throw new IllegalArgumentException("tensor " + path + ": elements must be >= 0, got " + elements);
        }
    }

    public long byteSize() {
        return Math.multiplyExact(elements, (long) dtype.byteSize());
    }
}
