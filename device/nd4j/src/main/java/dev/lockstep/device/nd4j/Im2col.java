package dev.lockstep.device.nd4j;

import dev.lockstep.graph.Convolution;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.TensorType;
import java.lang.foreign.MemorySegment;

/**
 * Convolution as gemm. Per feature group, the patches of the (dilated, padded) input become the
 * rows of a [N*OH*OW, KH*KW*Cg] matrix (zeros where a patch element falls in padding or a dilation
 * hole); times the kernel's [KH*KW*Cg, Og] block it gives the group's output columns. Channels-last
 * layout makes each patch element a contiguous run of Cg values, copied in bulk.
 */
final class Im2col {
    /** Above this, the patch matrix is not worth its memory: the direct loop runs instead. */
    private static final long MAX_SCRATCH_BYTES = 256L << 20;

    private Im2col() {}

    /** The kernel, or null when the patch matrix would be too large. */
    static Kernel of(Convolution c, TensorType x, TensorType w, TensorType out, KernelContext ctx) {
        ConvGeometry geo = ConvGeometry.of(c, x, w, out);
        int batch = geo.batch(), h = geo.h(), wi = geo.w(), cin = geo.cin();
        int kh = geo.kh(), kw = geo.kw(), cpg = geo.cpg(), cout = geo.cout(), oh = geo.oh(), ow = geo.ow();
        int[] s = geo.strides(), pl = geo.padLow(), ldl = geo.lhsDilation(), rdl = geo.rhsDilation();
        int groups = geo.groups(), opg = geo.opg();
        DType t = x.dtype();
        int es = t.byteSize();
        long rows = (long) batch * oh * ow, cols = (long) kh * kw * cpg;
        if (rows * cols * es > MAX_SCRATCH_BYTES || rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) {
            return null;
        }
        MemorySegment patches = ctx.scratch(t, rows * cols);
        Gemm gemm = new Gemm(ctx.device().workers());
        int m = (int) rows, k = (int) cols;
        return (in, o) -> {
            if (m == 0 || opg == 0) {
                return;
            }
            if (k == 0) {
                o.fill((byte) 0);
                return;
            }
            for (int g = 0; g < groups; g++) {
                long row = 0;
                for (int b = 0; b < batch; b++) {
                    for (int y = 0; y < oh; y++) {
                        for (int z = 0; z < ow; z++, row++) {
                            long dst = row * k;
                            for (int ky = 0; ky < kh; ky++) {
                                int py = y * s[0] + ky * rdl[0] - pl[0];
                                boolean rowOk = py >= 0 && py % ldl[0] == 0 && py / ldl[0] < h;
                                for (int kz = 0; kz < kw; kz++, dst += cpg) {
                                    int pz = z * s[1] + kz * rdl[1] - pl[1];
                                    if (rowOk && pz >= 0 && pz % ldl[1] == 0 && pz / ldl[1] < wi) {
                                        long src = (((long) b * h + py / ldl[0]) * wi + pz / ldl[1]) * cin + (long) g * cpg;
                                        MemorySegment.copy(in[0], src * es, patches, dst * es, (long) cpg * es);
                                    } else {
                                        patches.asSlice(dst * es, (long) cpg * es).fill((byte) 0);
                                    }
                                }
                            }
                        }
                    }
                }
                gemm.run(t == DType.F64, false, false, m, opg, k, patches, 0, k, in[1], (long) g * opg, cout,
                        o, (long) g * opg, cout);
            }
        };
    }
}
