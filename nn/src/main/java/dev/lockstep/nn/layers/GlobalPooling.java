package dev.lockstep.nn.layers;

import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Layer;
import dev.lockstep.nn.Scope;

/** Max or mean over every spatial axis of [N, S..., C], giving [N, C]. */
public final class GlobalPooling extends Layer {
    private final boolean max;

    private GlobalPooling(boolean max) {
        this.max = max;
    }

    /** GlobalMaxPooling1D (and 2-D, over both spatial axes). */
    public static GlobalPooling max() {
        return new GlobalPooling(true);
    }

    /** GlobalAveragePooling over the spatial axes. */
    public static GlobalPooling average() {
        return new GlobalPooling(false);
    }

    @Override
    protected Tensor apply(Scope scope, Tensor x) {
        if (x.rank() < 3) {
            throw new IllegalArgumentException(describe() + " expects [batch, spatial..., channels], got " + x.type());
        }
        int[] axes = new int[x.rank() - 2];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 1;
        }
        return max ? x.reduceMax(axes) : x.mean(axes);
    }
}
