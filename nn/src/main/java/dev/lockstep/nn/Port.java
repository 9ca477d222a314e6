package dev.lockstep.nn;

import dev.lockstep.tensor.TensorType;
import java.util.Objects;

/**
 * One input or output of a {@link Program}: its role, the path that identifies the tensor outside the
 * graph (a variable's module path, a slot's checkpoint key, a feature or metric name), the name the
 * graph gives it, and its type.
 */
public record Port(Role role, String path, String name, TensorType type) {
    public Port {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    @Override
    public String toString() {
        return role + " " + path + " (" + type + ")";
    }
}
