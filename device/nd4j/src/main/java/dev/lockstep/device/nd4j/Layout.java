package dev.lockstep.device.nd4j;

import dev.lockstep.graph.LayoutOp;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.util.List;

/** Layout kernels, each a {@link Strided} copy (plus a fill for pad). Reshape aliases instead. */
final class Layout {
    private Layout() {}

    static Kernel of(LayoutOp op, List<TensorType> in, TensorType out) {
        TensorType x = in.get(0);
        int[] xd = x.shape().dims(), od = out.shape().dims();
        long[] xs = x.shape().strides(), os = out.shape().strides();
        int esize = x.dtype().byteSize();
        return switch (op) {
            case LayoutOp.BroadcastInDim b -> {
                long[] src = new long[od.length];
                for (int i = 0; i < xd.length; i++) {
                    src[b.dims()[i]] = xd[i] == 1 ? 0 : xs[i];
                }
                Strided c = new Strided(od, src, os, esize);
                yield (a, o) -> c.copy(a[0], 0, o, 0);
            }
            case LayoutOp.Transpose t -> {
                long[] src = new long[od.length];
                for (int i = 0; i < od.length; i++) {
                    src[i] = xs[t.permutation()[i]];
                }
                Strided c = new Strided(od, src, os, esize);
                yield (a, o) -> c.copy(a[0], 0, o, 0);
            }
            case LayoutOp.Slice s -> {
                long[] src = new long[od.length];
                long base = 0;
                for (int i = 0; i < od.length; i++) {
                    src[i] = xs[i] * s.strides()[i];
                    base += xs[i] * s.start()[i];
                }
                Strided c = new Strided(od, src, os, esize);
                long b0 = base;
                yield (a, o) -> c.copy(a[0], b0, o, 0);
            }
            case LayoutOp.Reverse r -> {
                long[] src = xs.clone();
                long base = 0;
                for (int axis : r.axes()) {
                    src[axis] = -xs[axis];
                    base += (long) (xd[axis] - 1) * xs[axis];
                }
                Strided c = new Strided(od, src, os, esize);
                long b0 = base;
                yield (a, o) -> c.copy(a[0], b0, o, 0);
            }
            case LayoutOp.DynamicSlice d -> {
                Strided c = new Strided(od, xs, os, esize);
                List<TensorType> starts = in.subList(1, in.size());
                yield (a, o) -> {
                    long base = 0;
                    for (int i = 0; i < xd.length; i++) {
                        long st = Mem.getL(starts.get(i).dtype(), a[i + 1], 0);
                        st = Math.clamp(st, 0, xd[i] - od[i]);
                        base += st * xs[i];
                    }
                    c.copy(a[0], base, o, 0);
                };
            }
            case LayoutOp.Concatenate cat -> {
                int k = in.size();
                Strided[] parts = new Strided[k];
                long[] bases = new long[k];
                long offset = 0;
                for (int j = 0; j < k; j++) {
                    int[] pd = in.get(j).shape().dims();
                    parts[j] = new Strided(pd, Shape.of(pd).strides(), os, esize);
                    bases[j] = offset * os[cat.axis()];
                    offset += pd[cat.axis()];
                }
                yield (a, o) -> {
                    for (int j = 0; j < k; j++) {
                        parts[j].copy(a[j], 0, o, bases[j]);
                    }
                };
            }
            case LayoutOp.Pad p -> {
                long[] dst = new long[od.length];
                long base = 0;
                for (int i = 0; i < od.length; i++) {
                    dst[i] = os[i] * (p.interior()[i] + 1);
                    base += os[i] * p.low()[i];
                }
                Strided c = new Strided(xd, xs, dst, esize);
                long b0 = base, n = out.shape().size();
                yield (a, o) -> {
                    Strided.fill(o, a[1], n, esize);
                    c.copy(a[0], 0, o, b0);
                };
            }
            case LayoutOp.Reshape r -> throw new IllegalStateException("reshapes alias their operand");
        };
    }
}
