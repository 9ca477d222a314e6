package dev.lockstep.nn;

import dev.lockstep.tensor.TensorType;
import java.util.Objects;
import java.util.Optional;

/**
 * A tensor owned by one module under a stable path (invariant 1): a trainable parameter or a
 * non-trainable state tensor (e.g. batch-norm moving statistics), with its initializer and, for
 * parameters, an optional regularizer.
 */
public record VariableSpec(String path, TensorType type, Kind kind, Initializer initializer,
                           Optional<Regularizer> regularizer) {
    /** Parameters receive gradients; state is updated by the training step itself. */
    public enum Kind { PARAMETER, STATE }

    public VariableSpec {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(initializer, "initializer");
        Objects.requireNonNull(regularizer, "regularizer");
        if (kind == Kind.STATE && regularizer.isPresent()) {
            throw new IllegalArgumentException(path + ": state tensors cannot carry a regularizer");
        }
    }

    public boolean trainable() {
        return kind == Kind.PARAMETER;
    }
}
