package dev.lockstep.device.nd4j;

import dev.lockstep.graph.Convolution;
import dev.lockstep.tensor.TensorType;

/**
 * The sizes of a channels-last 1-D or 2-D convolution, decoded once for both kernels ({@link Conv}'s
 * direct loop and {@link Im2col}). A 1-D convolution is 2-D with a unit height: height 1, kernel height 1,
 * stride, dilations 1 and no padding on that axis.
 */
record ConvGeometry(int batch, int h, int w, int cin, int kh, int kw, int cpg, int cout, int oh, int ow,
                    int[] strides, int[] padLow, int[] lhsDilation, int[] rhsDilation, int groups, int opg) {

    static ConvGeometry of(Convolution c, TensorType x, TensorType k, TensorType out) {
        boolean one = c.spatialRank() == 1;
        int[] xd = x.shape().dims(), wd = k.shape().dims(), od = out.shape().dims();
        int cout = wd[wd.length - 1];
        return new ConvGeometry(xd[0], one ? 1 : xd[1], one ? xd[1] : xd[2], xd[xd.length - 1],
                one ? 1 : wd[0], one ? wd[0] : wd[1], wd[wd.length - 2], cout, one ? 1 : od[1], one ? od[1] : od[2],
                pair(c.strides(), one, 1), pair(c.padLow(), one, 0), pair(c.lhsDilation(), one, 1),
                pair(c.rhsDilation(), one, 1), c.featureGroupCount(), cout / c.featureGroupCount());
    }

    private static int[] pair(int[] v, boolean one, int fill) {
        return one ? new int[] {fill, v[0]} : v;
    }
}
