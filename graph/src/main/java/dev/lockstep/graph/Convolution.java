package dev.lockstep.graph;

/**
 * {@code stablehlo.convolution} over 1 or 2 spatial dimensions in a fixed channels-last layout:
 * input {@code [N, S..., C]}, kernel {@code [K..., C / groups, O]}, result {@code [N, S'..., O]}
 * (StableHLO dimension numbers {@code [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]}).
 *
 * <p>Per spatial dimension: the input is dilated by {@code lhsDilation} (holes between elements,
 * which is how transposed convolution and input gradients are written), padded by
 * {@code padLow}/{@code padHigh} zeros, and convolved (cross-correlated, no kernel flip) with the
 * kernel dilated by {@code rhsDilation} at stride {@code strides}. Output size is
 * {@code floor((lhsDilated + padLow + padHigh - rhsDilated) / stride) + 1}.
 */
public record Convolution(int[] strides, int[] padLow, int[] padHigh, int[] lhsDilation, int[] rhsDilation,
                          int featureGroupCount) implements Op {
    public Convolution {
        strides = strides.clone();
        padLow = padLow.clone();
        padHigh = padHigh.clone();
        lhsDilation = lhsDilation.clone();
        rhsDilation = rhsDilation.clone();
    }

    public int spatialRank() {
        return strides.length;
    }

    /** Unit strides and dilations, no padding, one group. */
    public static Convolution simple(int spatialRank) {
        int[] ones = new int[spatialRank];
        java.util.Arrays.fill(ones, 1);
        return new Convolution(ones, new int[spatialRank], new int[spatialRank], ones, ones, 1);
    }
}
