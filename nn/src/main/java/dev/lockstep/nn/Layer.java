package dev.lockstep.nn;

import dev.lockstep.graph.Tensor;

/** A module of exactly one input tensor. */
public abstract class Layer extends Module {
    protected abstract Tensor apply(Scope scope, Tensor x);

    @Override
    protected final Tensor forward(Scope scope, Tensor... inputs) {
        if (inputs.length != 1) {
            throw new IllegalArgumentException(describe() + " takes one input, got " + inputs.length);
        }
        return apply(scope, inputs[0]);
    }
}
