package dev.lockstep.nn.layers;

import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Layer;
import dev.lockstep.nn.Scope;

/** [N, F] to [N, times, F] (Keras' RepeatVector): the same vector at every step of a sequence. */
public final class RepeatVector extends Layer {
    private final int times;

    public RepeatVector(int times) {
        if (times <= 0) {
            throw new IllegalArgumentException("repeat_vector times must be positive, got " + times);
        }
        this.times = times;
    }

    public int times() {
        return times;
    }

    @Override
    protected Tensor apply(Scope scope, Tensor x) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException(describe() + " expects [batch, features], got " + x.type());
        }
        int n = x.shape().dim(0), f = x.shape().dim(1);
        return x.reshape(n, 1, f).broadcastTo(n, times, f);
    }
}
