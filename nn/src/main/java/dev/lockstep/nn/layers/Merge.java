package dev.lockstep.nn.layers;

import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Scope;

/** Combines several inputs: {@link #add()} sums them, {@link #concatenate(int)} joins them along an axis. */
public final class Merge extends Module {
    private final Integer axis;

    private Merge(Integer axis) {
        this.axis = axis;
    }

    public static Merge add() {
        return new Merge(null);
    }

    /** Concatenation along {@code axis} (negative counts from the end). */
    public static Merge concatenate(int axis) {
        return new Merge(axis);
    }

    @Override
    protected Tensor forward(Scope scope, Tensor... inputs) {
        if (inputs.length < 2) {
            throw new IllegalArgumentException(describe() + " needs at least two inputs, got " + inputs.length);
        }
        if (axis == null) {
            Tensor sum = inputs[0];
            for (int i = 1; i < inputs.length; i++) {
                sum = sum.add(inputs[i]);
            }
            return sum;
        }
        int a = axis < 0 ? inputs[0].rank() + axis : axis;
        Tensor[] rest = java.util.Arrays.copyOfRange(inputs, 1, inputs.length);
        return inputs[0].concat(a, rest);
    }
}
