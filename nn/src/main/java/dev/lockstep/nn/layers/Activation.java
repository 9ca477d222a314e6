package dev.lockstep.nn.layers;

import dev.lockstep.graph.Functions;
import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Layer;
import dev.lockstep.nn.Scope;

/** An elementwise (or, for softmax, last-axis) activation. */
public final class Activation extends Layer {
    /** The activations Lockstep knows by name. */
    public enum Fn {
        LINEAR, RELU, TANH, SIGMOID, GELU, SOFTMAX, LOG_SOFTMAX, SOFTPLUS, ELU;

        public Tensor apply(Tensor x) {
            return switch (this) {
                case LINEAR -> x;
                case RELU -> x.relu();
                case TANH -> x.tanh();
                case SIGMOID -> x.sigmoid();
                case GELU -> Functions.gelu(x);
                case SOFTMAX -> Functions.softmax(x, x.rank() - 1);
                case LOG_SOFTMAX -> Functions.logSoftmax(x, x.rank() - 1);
                // log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large x.
                case SOFTPLUS -> x.relu().add(x.abs().neg().exp().log1p());
                case ELU -> x.gt(0.0).select(x, x.min(0.0).exp().sub(1.0));
            };
        }
    }

    private final Fn fn;

    public Activation(Fn fn) {
        this.fn = fn;
    }

    public Fn fn() {
        return fn;
    }

    @Override
    protected Tensor apply(Scope scope, Tensor x) {
        return fn.apply(x);
    }
}
