package dev.lockstep.collective;

import java.util.ArrayList;
import java.util.List;

/** Chunk boundaries: pure functions of element counts, shared by both schedules. */
public final class Chunks {
    private Chunks() {}

    /**
     * Splits {@code elements} into {@code count} contiguous chunks whose sizes differ by at most one; the
     * first {@code elements % count} chunks are the longer ones. Returns {@code count + 1} boundaries.
     */
    public static long[] boundaries(long elements, int count) {
        if (elements < 0) {
            throw new IllegalArgumentException("elements must be >= 0, got " + elements);
        }
        if (count < 1) {
            throw new IllegalArgumentException("chunk count must be >= 1, got " + count);
        }
        long base = elements / count;
        long longer = elements % count;
        long[] bounds = new long[count + 1];
        for (int c = 0; c < count; c++) {
            bounds[c + 1] = bounds[c] + base + (c < longer ? 1 : 0);
        }
        return bounds;
    }

    /**
     * Splits a range into pipelining parts of at most {@code maxPartBytes} bytes each (at least one
     * element per part); an empty range has no parts, so nothing is sent for it.
     */
    public static List<ChunkRange> parts(ChunkRange range, int elementBytes, long maxPartBytes) {
        if (elementBytes < 1) {
            throw new IllegalArgumentException("elementBytes must be >= 1, got " + elementBytes);
        }
        if (maxPartBytes < 1) {
            throw new IllegalArgumentException("maxPartBytes must be >= 1, got " + maxPartBytes);
        }
        long perPart = Math.max(1, maxPartBytes / elementBytes);
        List<ChunkRange> parts = new ArrayList<>();
        for (long s = range.start(); s < range.end(); s += perPart) {
            parts.add(new ChunkRange(s, Math.min(range.end(), s + perPart)));
        }
        return List.copyOf(parts);
    }
}
