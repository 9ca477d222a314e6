package dev.lockstep.cli.spec;

import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Layer;
import dev.lockstep.nn.Scope;

/**
 * [N, F] to [N, times, F] (Keras' RepeatVector): feeds an encoder's final state to every decoder step,
 * since the recurrent layers take no initial state. Belongs in nn.layers; kept here until it moves.
 */
final class RepeatVector extends Layer {
    private final int times;

    RepeatVector(int times) {
        if (times <= 0) {
            throw new IllegalArgumentException("repeat_vector times must be positive, got " + times);
        }
        this.times = times;
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
