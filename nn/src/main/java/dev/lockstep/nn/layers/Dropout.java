package dev.lockstep.nn.layers;

import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Layer;
import dev.lockstep.nn.Scope;

/**
 * Inverted dropout in training (kept units scaled by 1 / (1 - rate)), identity otherwise. The mask
 * comes from the graph's counter-based random op: a pure function of seed, layer path, step and
 * global example index.
 */
public final class Dropout extends Layer {
    private final double rate;

    public Dropout(double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("Dropout rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
    }

    @Override
    protected Tensor apply(Scope scope, Tensor x) {
        if (!scope.mode().training() || rate == 0) {
            return x;
        }
        Tensor keep = scope.uniform("dropout", x.shape(), x.dtype()).ge(rate);
        return keep.select(x.mul(1.0 / (1.0 - rate)), x.scalar(0.0));
    }
}
