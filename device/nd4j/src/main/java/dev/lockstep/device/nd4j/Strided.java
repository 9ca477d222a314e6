package dev.lockstep.device.nd4j;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Copies a strided box of elements: destination element at multi-index i (over {@code dims}) comes
 * from source element {@code srcBase + sum(i[d] * srcStrides[d])}, written to
 * {@code dstBase + sum(i[d] * dstStrides[d])}. Strides are in elements and may be 0 (broadcast) or
 * negative (reverse). Broadcast, transpose, slices, reverse, concatenate and pad are all this copy.
 */
record Strided(int[] dims, long[] srcStrides, long[] dstStrides, int elementSize) {

    void copy(MemorySegment src, long srcBase, MemorySegment dst, long dstBase) {
        int r = dims.length;
        for (int d : dims) {
            if (d == 0) {
                return;
            }
        }
        if (r == 0) {
            copyElement(src, srcBase, dst, dstBase);
            return;
        }
        int inner = dims[r - 1];
        long ss = srcStrides[r - 1], ds = dstStrides[r - 1];
        int[] idx = new int[r];
        long s = srcBase, t = dstBase;
        while (true) {
            if (ss == 1 && ds == 1) {
                MemorySegment.copy(src, s * elementSize, dst, t * elementSize, (long) inner * elementSize);
            } else {
                copyRun(src, s, ss, dst, t, ds, inner);
            }
            int d = r - 2;
            while (d >= 0) {
                idx[d]++;
                s += srcStrides[d];
                t += dstStrides[d];
                if (idx[d] < dims[d]) {
                    break;
                }
                s -= srcStrides[d] * dims[d];
                t -= dstStrides[d] * dims[d];
                idx[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }

    private void copyRun(MemorySegment src, long s, long ss, MemorySegment dst, long t, long ds, int n) {
        switch (elementSize) {
            case 4 -> {
                int v0 = ss == 0 ? src.getAtIndex(Mem.I32, s) : 0;
                for (int i = 0; i < n; i++) {
                    dst.setAtIndex(Mem.I32, t + i * ds, ss == 0 ? v0 : src.getAtIndex(Mem.I32, s + i * ss));
                }
            }
            case 8 -> {
                for (int i = 0; i < n; i++) {
                    dst.setAtIndex(Mem.I64, t + i * ds, src.getAtIndex(Mem.I64, s + i * ss));
                }
            }
            case 2 -> {
                for (int i = 0; i < n; i++) {
                    dst.setAtIndex(Mem.I16, t + i * ds, src.getAtIndex(Mem.I16, s + i * ss));
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    dst.set(ValueLayout.JAVA_BYTE, t + i * ds, src.get(ValueLayout.JAVA_BYTE, s + i * ss));
                }
            }
        }
    }

    private void copyElement(MemorySegment src, long s, MemorySegment dst, long t) {
        MemorySegment.copy(src, s * elementSize, dst, t * elementSize, elementSize);
    }

    /** Fills all {@code count} elements of {@code dst} with the element at {@code value}[0]. */
    static void fill(MemorySegment dst, MemorySegment value, long count, int elementSize) {
        boolean zero = true;
        for (int b = 0; b < elementSize; b++) {
            zero &= value.get(ValueLayout.JAVA_BYTE, b) == 0;
        }
        if (zero) {
            dst.fill((byte) 0);
            return;
        }
        for (long i = 0; i < count; i++) {
            MemorySegment.copy(value, 0, dst, i * elementSize, elementSize);
        }
    }
}
