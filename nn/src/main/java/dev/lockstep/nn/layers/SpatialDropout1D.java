package dev.lockstep.nn.layers;

import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Layer;
import dev.lockstep.nn.Scope;
import dev.lockstep.tensor.Shape;

/** Drops whole channels of [N, T, C] (the same channels at every step), scaling kept ones by 1 / (1 - rate). */
public final class SpatialDropout1D extends Layer {
    private final double rate;

    public SpatialDropout1D(double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("SpatialDropout1D rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
    }

    @Override
    protected Tensor apply(Scope scope, Tensor x) {
        if (x.rank() != 3) {
            throw new IllegalArgumentException(describe() + " expects [batch, steps, channels], got " + x.type());
        }
        if (!scope.mode().training() || rate == 0) {
            return x;
        }
        Shape maskShape = Shape.of(x.shape().dim(0), 1, x.shape().dim(2));
        Tensor keep = scope.uniform("spatial_dropout", maskShape, x.dtype()).ge(rate);
        Tensor scale = keep.select(x.scalar(1.0 / (1.0 - rate)).broadcastTo(maskShape), x.scalar(0.0).broadcastTo(maskShape));
        return x.mul(scale);
    }
}
