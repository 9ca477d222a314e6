package dev.lockstep.collective;

/**
 * Recursive halving (reduce-scatter) then recursive doubling (all-gather) for a power-of-two world: a
 * pure function of the world size and the element count. Suited to small buckets: 2·log2(N) steps
 * instead of the ring's 2(N−1).
 *
 * <p>Halving step i (0..k−1, k = log2 N) pairs rank r with r XOR N/2^(i+1). The pair's current range is
 * split in two ({@link Chunks#boundaries} with two chunks: the lower half is the longer one); the rank
 * whose bit N/2^(i+1) is clear keeps the lower half, the other the upper; each sends the half it gives
 * up and adds the half it receives to its own. After k steps rank r owns the r-th segment, fully
 * reduced. Doubling step k+j pairs r with r XOR 2^j: each sends its range and copies in its partner's,
 * undoing the halving in reverse order.
 *
 * <p>Summation order: ranks that differ in the highest bit are added first, then the next bit, and so on:
 * for N = 4 every element is {@code (x0 + x2) + (x1 + x3)}, for N = 8
 * {@code ((x0 + x4) + (x2 + x6)) + ((x1 + x5) + (x3 + x7))}. Addition is commutative, so both ranks of a
 * pair compute the same bits; the owner's result is then copied to every rank.
 */
public final class HalvingDoublingSchedule {
    /** One step for one rank: exchange with {@code partner}; add {@code receive} into place or copy it. */
    public record Step(int partner, ChunkRange send, ChunkRange receive, boolean reduce) {}

    private final int worldSize;
    private final int log2;
    private final long elements;

    private HalvingDoublingSchedule(int worldSize, long elements) {
        this.worldSize = worldSize;
        this.log2 = Integer.numberOfTrailingZeros(worldSize);
        this.elements = elements;
    }

    public static boolean supports(int worldSize) {
        return worldSize >= 1 && Integer.bitCount(worldSize) == 1;
    }

    public static HalvingDoublingSchedule of(int worldSize, long elements) {
        if (!supports(worldSize)) {
            throw new IllegalArgumentException(
                    "recursive halving/doubling needs a power-of-two world size, got " + worldSize);
        }
        if (elements < 0) {
            throw new IllegalArgumentException("elements must be >= 0, got " + elements);
        }
        return new HalvingDoublingSchedule(worldSize, elements);
    }

    public int worldSize() {
        return worldSize;
    }

    public int steps() {
        return 2 * log2;
    }

    public Step step(int rank, int step) {
        if (rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " out of range for world size " + worldSize);
        }
        if (step < 0 || step >= steps()) {
            throw new IllegalArgumentException("step " + step + " out of range: world size " + worldSize
                    + " has " + steps() + " halving/doubling steps");
        }
        if (step < log2) {
            int distance = worldSize >> (step + 1);
            ChunkRange keep = range(rank, step + 1);
            ChunkRange give = other(range(rank, step), keep);
            return new Step(rank ^ distance, give, keep, true);
        }
        int level = steps() - 1 - step; // the halving step this doubling step undoes
        int distance = worldSize >> (level + 1);
        ChunkRange own = range(rank, level + 1);
        return new Step(rank ^ distance, own, other(range(rank, level), own), false);
    }

    /** The segment rank {@code rank} owns, fully reduced, after the halving steps. */
    public ChunkRange owned(int rank) {
        return range(rank, log2);
    }

    /** The range rank {@code rank} is responsible for before halving step {@code level} (0: everything). */
    private ChunkRange range(int rank, int level) {
        long lo = 0;
        long hi = elements;
        for (int i = 0; i < level; i++) {
            long[] halves = Chunks.boundaries(hi - lo, 2);
            long mid = lo + halves[1];
            if ((rank & (worldSize >> (i + 1))) == 0) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return new ChunkRange(lo, hi);
    }

    private static ChunkRange other(ChunkRange whole, ChunkRange half) {
        return half.start() == whole.start()
                ? new ChunkRange(half.end(), whole.end())
                : new ChunkRange(whole.start(), half.start());
    }
}
