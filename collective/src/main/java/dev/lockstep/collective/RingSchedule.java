package dev.lockstep.collective;

/**
 * Ring all-reduce of a bucket of {@code elements} elements over {@code worldSize} ranks: a pure function
 * of those two numbers.
 *
 * <p>The bucket is cut into N chunks ({@link Chunks#boundaries}). There are 2(N−1) steps: reduce-scatter
 * (steps 0..N−2), then all-gather (steps N−1..2N−3). At every step rank r sends chunk (r − t) mod N to
 * rank r+1 and receives chunk (r − t − 1) mod N from rank r−1; in reduce-scatter it adds what it received
 * to its own values, in all-gather it overwrites them.
 *
 * <p>Summation order: chunk c starts at rank c and travels c → c+1 → … → c−1, each rank adding its own
 * values to the partial sum it received, so every element of chunk c is
 * {@code ((x[c] + x[c+1]) + x[c+2]) + … + x[c+N−1]} (ranks mod N). The finished chunk is then copied
 * around the ring unchanged, so all ranks hold the same bits.
 */
public final class RingSchedule {
    private final int worldSize;
    private final long elements;
    private final long[] bounds;

    private RingSchedule(int worldSize, long elements) {
        this.worldSize = worldSize;
        this.elements = elements;
        this.bounds = Chunks.boundaries(elements, worldSize);
    }

    public static RingSchedule of(int worldSize, long elements) {
        if (worldSize < 1) {
            throw new IllegalArgumentException("world size must be >= 1, got " + worldSize);
        }
        return new RingSchedule(worldSize, elements);
    }

    public int worldSize() {
        return worldSize;
    }

    public long elements() {
        return elements;
    }

    /** 2(N−1): reduce-scatter then all-gather. */
    public int steps() {
        return 2 * (worldSize - 1);
    }

    /** Whether step {@code step} adds (reduce-scatter) rather than copies (all-gather). */
    public boolean reduces(int step) {
        checkStep(step);
        return step < worldSize - 1;
    }

    public ChunkRange chunk(int chunk) {
        if (chunk < 0 || chunk >= worldSize) {
            throw new IllegalArgumentException("chunk " + chunk + " out of range for world size " + worldSize);
        }
        return new ChunkRange(bounds[chunk], bounds[chunk + 1]);
    }

    /** The rank that {@code rank} sends to: rank+1 mod N. */
    public int sendTo(int rank) {
        checkRank(rank);
        return (rank + 1) % worldSize;
    }

    /** The rank that {@code rank} receives from: rank−1 mod N. */
    public int receiveFrom(int rank) {
        checkRank(rank);
        return (rank + worldSize - 1) % worldSize;
    }

    public int sendChunk(int rank, int step) {
        checkRank(rank);
        checkStep(step);
        return Math.floorMod(rank - step, worldSize);
    }

    public int receiveChunk(int rank, int step) {
        checkRank(rank);
        checkStep(step);
        return Math.floorMod(rank - step - 1, worldSize);
    }

    /** The ranks in the order their values are added for every element of {@code chunk}. */
    public int[] summationOrder(int chunk) {
        chunk(chunk);
        int[] order = new int[worldSize];
        for (int i = 0; i < worldSize; i++) {
            order[i] = (chunk + i) % worldSize;
        }
        return order;
    }

    private void checkRank(int rank) {
        if (rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " out of range for world size " + worldSize);
        }
    }

    private void checkStep(int step) {
        if (step < 0 || step >= steps()) {
            throw new IllegalArgumentException(
                    "step " + step + " out of range: the ring for world size " + worldSize + " has " + steps() + " steps");
        }
    }
}
