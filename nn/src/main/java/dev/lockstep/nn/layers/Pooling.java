package dev.lockstep.nn.layers;

import dev.lockstep.graph.ReduceOp;
import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Layer;
import dev.lockstep.nn.Scope;

/**
 * Max or average pooling over the spatial dimensions of [N, S..., C]. The stride defaults to the
 * pool size. Average pooling with SAME padding divides by the number of real (unpadded) elements.
 */
public final class Pooling extends Layer {
    private final boolean max;
    private final int[] pool;
    private final int[] strides;
    private final Padding padding;

    private Pooling(boolean max, int[] pool, int[] strides, Padding padding) {
        for (int i = 0; i < pool.length; i++) {
            if (pool[i] <= 0 || strides[i] <= 0) {
                throw new IllegalArgumentException("pool size and strides must be positive, got pool "
                        + java.util.Arrays.toString(pool) + ", strides " + java.util.Arrays.toString(strides));
            }
        }
        this.max = max;
        this.pool = pool.clone();
        this.strides = strides.clone();
        this.padding = padding;
    }

    public static Pooling maxPooling1d(int pool) {
        return new Pooling(true, new int[] {pool}, new int[] {pool}, Padding.VALID);
    }

    public static Pooling maxPooling2d(int pool) {
        return new Pooling(true, new int[] {pool, pool}, new int[] {pool, pool}, Padding.VALID);
    }

    public static Pooling averagePooling1d(int pool) {
        return new Pooling(false, new int[] {pool}, new int[] {pool}, Padding.VALID);
    }

    public static Pooling averagePooling2d(int pool) {
        return new Pooling(false, new int[] {pool, pool}, new int[] {pool, pool}, Padding.VALID);
    }

    public Pooling withStrides(int... s) {
        return new Pooling(max, pool, s, padding);
    }

    public Pooling withPadding(Padding p) {
        return new Pooling(max, pool, strides, p);
    }

    @Override
    protected Tensor apply(Scope scope, Tensor x) {
        int s = pool.length;
        if (x.rank() != s + 2) {
            throw new IllegalArgumentException(describe() + " expects rank " + (s + 2) + " [batch, spatial..., "
                    + "channels], got " + x.type());
        }
        int r = s + 2;
        int[] window = new int[r], stride = new int[r], lo = new int[r], hi = new int[r];
        window[0] = window[r - 1] = stride[0] = stride[r - 1] = 1;
        for (int i = 0; i < s; i++) {
            window[i + 1] = pool[i];
            stride[i + 1] = strides[i];
            int[] p = padding.amounts(x.shape().dim(i + 1), pool[i], strides[i], 1);
            lo[i + 1] = p[0];
            hi[i + 1] = p[1];
        }
        if (max) {
            return x.reduceWindow(ReduceOp.Reduction.MAX, window, stride, lo, hi);
        }
        Tensor sums = x.reduceWindow(ReduceOp.Reduction.SUM, window, stride, lo, hi);
        Tensor ones = x.scalar(1.0).broadcastTo(x.shape());
        Tensor counts = ones.reduceWindow(ReduceOp.Reduction.SUM, window, stride, lo, hi);
        return sums.div(counts);
    }
}
