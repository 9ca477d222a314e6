package dev.lockstep.device.nd4j;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Operands of an f32/f64 elementwise kernel that {@link Rewrites} left un-broadcast: full (n
 * elements), trailing (the result's last dims, repeating every {@code period} elements: a bias) or
 * scalar (one element, copied into a chunk-sized scratch row each run). The kernel walks the result
 * in chunks of {@code period} and hands its typed loops a segment and offset per operand.
 */
final class Periodic {
    private static final int SCALAR_CHUNK = 2048;

    private final DType dtype;
    private final long n;
    private final int period;
    private final long[] sizes;
    private final MemorySegment[] rows;

    Periodic(List<TensorType> in, TensorType out, KernelContext ctx, int first) {
        this.dtype = in.get(first).dtype();
        this.n = out.shape().size();
        this.sizes = new long[in.size()];
        long p = 0;
        for (int k = first; k < in.size(); k++) {
            sizes[k] = in.get(k).shape().size();
            if (sizes[k] != n && sizes[k] != 1) {
                p = Math.max(p, sizes[k]);
            }
        }
        this.period = (int) (p > 0 ? p : Math.min(n, SCALAR_CHUNK));
        this.rows = new MemorySegment[in.size()];
        for (int k = first; k < in.size(); k++) {
            if (sizes[k] == 1 && n != 1) {
                rows[k] = ctx.scratch(dtype, period);
            }
        }
    }

    /** Whether every operand is full-sized (no periodic path needed). */
    static boolean allFull(List<TensorType> in, TensorType out, int first) {
        for (int k = first; k < in.size(); k++) {
            if (in.get(k).shape().size() != out.shape().size()) {
                return false;
            }
        }
        return true;
    }

    /** Fills the scalar rows with this run's scalar values. */
    void prepare(MemorySegment[] in) {
        for (int k = 0; k < rows.length; k++) {
            if (rows[k] != null) {
                Strided.fill(rows[k], in[k], period, dtype.byteSize());
            }
        }
    }

    int period() {
        return period;
    }

    long n() {
        return n;
    }

    MemorySegment segment(MemorySegment[] in, int k) {
        return rows[k] != null ? rows[k] : in[k];
    }

    /** Element offset of operand k for the chunk starting at result element {@code base}. */
    long offset(int k, long base) {
        return sizes[k] == n ? base : 0;
    }

    interface Chunk {
        void run(long base, int length);
    }

    void forEachChunk(Chunk c) {
        for (long base = 0; base < n; base += period) {
            c.run(base, (int) Math.min(period, n - base));
        }
    }
}
