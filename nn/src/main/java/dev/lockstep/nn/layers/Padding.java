package dev.lockstep.nn.layers;

/** How convolution and pooling windows treat the edges, with TensorFlow's conventions. */
public enum Padding {
    /** No padding: only windows that fit entirely. */
    VALID,
    /** Pad so the output has ceil(n / stride) positions; the extra padding goes at the end. */
    SAME;

    /** {low, high} padding of one spatial dimension of size n. */
    int[] amounts(int n, int window, int stride, int dilation) {
        if (this == VALID) {
            return new int[] {0, 0};
        }
        int effective = (window - 1) * dilation + 1;
        int out = (n + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + effective - n, 0);
        return new int[] {total / 2, total - total / 2};
    }
}
