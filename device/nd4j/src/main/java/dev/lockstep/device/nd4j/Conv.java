package dev.lockstep.device.nd4j;

import dev.lockstep.graph.Convolution;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.TensorType;

/**
 * Convolution with every StableHLO option of {@link Convolution} (strides, padding, lhs and rhs
 * dilation, feature groups). f32/f64 on a BLAS device go through {@link Im2col}; this direct loop
 * in double serves the other dtypes. A 1-D convolution runs as 2-D with a unit height.
 */
final class Conv {
    private Conv() {}

    static Kernel of(Convolution c, TensorType x, TensorType w, TensorType out, KernelContext ctx) {
        DType dt = x.dtype();
        if (ctx.device().usesBlas() && (dt == DType.F32 || dt == DType.F64)) {
            Kernel k = Im2col.of(c, x, w, out, ctx);
            if (k != null) {
                return k;
            }
        }
        ConvGeometry geo = ConvGeometry.of(c, x, w, out);
        int batch = geo.batch(), h = geo.h(), wi = geo.w(), cin = geo.cin();
        int kh = geo.kh(), kw = geo.kw(), cpg = geo.cpg(), cout = geo.cout(), oh = geo.oh(), ow = geo.ow();
        int[] s = geo.strides(), pl = geo.padLow(), ldl = geo.lhsDilation(), rdl = geo.rhsDilation();
        int opg = geo.opg();
        DType t = x.dtype();
        return (in, o) -> {
            var xs = in[0];
            var ws = in[1];
            for (int b = 0; b < batch; b++) {
                for (int y = 0; y < oh; y++) {
                    for (int z = 0; z < ow; z++) {
                        for (int f = 0; f < cout; f++) {
                            int g = f / opg;
                            double acc = 0;
                            for (int ky = 0; ky < kh; ky++) {
                                int py = y * s[0] + ky * rdl[0] - pl[0];
                                if (py < 0 || py % ldl[0] != 0 || py / ldl[0] >= h) {
                                    continue;
                                }
                                int iy = py / ldl[0];
                                for (int kz = 0; kz < kw; kz++) {
                                    int pz = z * s[1] + kz * rdl[1] - pl[1];
                                    if (pz < 0 || pz % ldl[1] != 0 || pz / ldl[1] >= wi) {
                                        continue;
                                    }
                                    int iz = pz / ldl[1];
                                    long xBase = (((long) b * h + iy) * wi + iz) * cin + (long) g * cpg;
                                    long wBase = ((long) ky * kw + kz) * cpg * cout + f;
                                    for (int ch = 0; ch < cpg; ch++) {
                                        acc += Mem.getD(t, xs, xBase + ch) * Mem.getD(t, ws, wBase + (long) ch * cout);
                                    }
                                }
                            }
                            Mem.setD(t, o, (((long) b * oh + y) * ow + z) * cout + f, acc);
                        }
                    }
                }
            }
        };
    }
}
