package dev.lockstep.nn.layers;

import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Initializer;
import dev.lockstep.nn.Layer;
import dev.lockstep.nn.Scope;

/** Normalizes each example over its last axis (biased variance), then scales by gamma and shifts by beta. */
public final class LayerNormalization extends Layer {
    private final double epsilon;

    public LayerNormalization() {
        this(1e-3);
    }

    public LayerNormalization(double epsilon) {
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("LayerNormalization epsilon must be > 0, got " + epsilon);
        }
        this.epsilon = epsilon;
    }

    @Override
    protected Tensor apply(Scope scope, Tensor x) {
        int last = x.rank() - 1;
        int[] channels = {x.shape().dim(last)};
        Tensor gamma = parameter(scope, "gamma", x.dtype(), channels, new Initializer.Constant(1), null);
        Tensor beta = parameter(scope, "beta", x.dtype(), channels, new Initializer.Zeros(), null);
        Tensor mean = x.keepDims(x.mean(last), last);
        Tensor centered = x.sub(mean);
        Tensor var = x.keepDims(centered.square().mean(last), last);
        return centered.mul(var.add(epsilon).rsqrt()).mul(gamma).add(beta);
    }
}
