package dev.lockstep.nn.layers;

import dev.lockstep.graph.Convolution;
import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Initializer;
import dev.lockstep.nn.Layer;
import dev.lockstep.nn.Regularizer;
import dev.lockstep.nn.Scope;
import java.util.Arrays;

/**
 * 1-D or 2-D convolution, channels-last: input [N, S..., C], kernel [K..., C / groups, filters],
 * output [N, S'..., filters]. Use {@link #conv1d} and {@link #conv2d}.
 */
public final class Conv extends Layer {
    private final int filters;
    private final int[] kernel;
    private final int[] strides;
    private final int[] dilation;
    private final Padding padding;
    private final int groups;
    private final Activation.Fn activation;
    private final Regularizer kernelRegularizer;

    private Conv(int filters, int[] kernel, int[] strides, int[] dilation, Padding padding, int groups,
                 Activation.Fn activation, Regularizer kernelRegularizer) {
        if (filters <= 0 || groups <= 0 || filters % groups != 0) {
            throw new IllegalArgumentException("Conv filters (" + filters + ") must be positive and divisible by "
                    + "groups (" + groups + ")");
        }
        for (int[] a : new int[][] {kernel, strides, dilation}) {
            if (Arrays.stream(a).anyMatch(v -> v <= 0)) {
                throw new IllegalArgumentException("Conv kernel size, strides and dilation must be positive, got "
                        + Arrays.toString(kernel) + ", " + Arrays.toString(strides) + ", " + Arrays.toString(dilation));
            }
        }
        this.filters = filters;
        this.kernel = kernel.clone();
        this.strides = strides.clone();
        this.dilation = dilation.clone();
        this.padding = padding;
        this.groups = groups;
        this.activation = activation;
        this.kernelRegularizer = kernelRegularizer;
    }

    public static Conv conv1d(int filters, int kernel, int stride, Padding padding, Activation.Fn activation) {
        return new Conv(filters, new int[] {kernel}, new int[] {stride}, new int[] {1}, padding, 1, activation, null);
    }

    public static Conv conv2d(int filters, int kernel, int stride, Padding padding, Activation.Fn activation) {
        return new Conv(filters, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {1, 1}, padding, 1,
                activation, null);
    }

    public Conv withDilation(int... d) {
        return new Conv(filters, kernel, strides, d, padding, groups, activation, kernelRegularizer);
    }

    public Conv withGroups(int g) {
        return new Conv(filters, kernel, strides, dilation, padding, g, activation, kernelRegularizer);
    }

    public Conv withKernelRegularizer(Regularizer r) {
        return new Conv(filters, kernel, strides, dilation, padding, groups, activation, r);
    }

    @Override
    protected Tensor apply(Scope scope, Tensor x) {
        int s = kernel.length;
        if (x.rank() != s + 2) {
            throw new IllegalArgumentException(describe() + " expects [batch, " + (s == 1 ? "steps" : "height, width")
                    + ", channels], got " + x.type());
        }
        int channels = x.shape().dim(s + 1);
        if (channels % groups != 0) {
            throw new IllegalArgumentException(describe() + ": input channels " + channels + " not divisible by groups "
                    + groups);
        }
        int[] kshape = new int[s + 2];
        System.arraycopy(kernel, 0, kshape, 0, s);
        kshape[s] = channels / groups;
        kshape[s + 1] = filters;
        Tensor k = parameter(scope, "kernel", x.dtype(), kshape, new Initializer.GlorotUniform(), kernelRegularizer);
        Tensor b = parameter(scope, "bias", x.dtype(), new int[] {filters}, new Initializer.Zeros(), null);
        int[] lo = new int[s], hi = new int[s], ones = new int[s];
        for (int i = 0; i < s; i++) {
            int[] p = padding.amounts(x.shape().dim(i + 1), kernel[i], strides[i], dilation[i]);
            lo[i] = p[0];
            hi[i] = p[1];
            ones[i] = 1;
        }
        Tensor y = x.conv(k, new Convolution(strides, lo, hi, ones, dilation, groups));
        return activation.apply(y.add(b));
    }
}
