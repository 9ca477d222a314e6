package dev.lockstep.nn.layers;

import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Layer;
import dev.lockstep.nn.Scope;

/** [N, d1, d2, ...] to [N, d1*d2*...]. */
public final class Flatten extends Layer {
    @Override
    protected Tensor apply(Scope scope, Tensor x) {
        if (x.rank() < 1) {
            throw new IllegalArgumentException(describe() + " needs a batch dimension, got " + x.type());
        }
        int n = x.shape().dim(0);
        return x.reshape(n, (int) (n == 0 ? 0 : x.shape().size() / n));
    }
}
