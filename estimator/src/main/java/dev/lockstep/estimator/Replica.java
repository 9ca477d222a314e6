package dev.lockstep.estimator;

/**
 * Which replica of a synchronous job this process is: {@code rank} of {@code worldSize}. Every replica
 * runs the same step on its own slice of the global batch; the slices are laid out in rank order.
 */
public record Replica(int rank, int worldSize) {
    /** The only replica of a single-process job. */
    public static final Replica SINGLE = new Replica(0, 1);

    public Replica {
        if (worldSize < 1) {
            throw new IllegalArgumentException("worldSize must be >= 1, got " + worldSize);
        }
        if (rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank must be in [0, " + worldSize + "), got " + rank);
        }
    }

    /**
     * The global index of this replica's first example at {@code step}, when every replica takes
     * {@code localExamples} examples per step: {@code step * globalBatch + rank * localExamples}.
     * Per-example randomness (dropout) is keyed by it (invariant 4), so it does not depend on which
     * replica handles an example; in one process it is {@code step * localExamples}.
     */
    public long exampleOffset(long step, long localExamples) {
        long globalBatch = Math.multiplyExact(localExamples, (long) worldSize);
        return Math.addExact(Math.multiplyExact(step, globalBatch), Math.multiplyExact((long) rank, localExamples));
    }

    /** Whether this replica writes checkpoints: one writer per model directory (rank 0, the chief). */
    public boolean chief() {
        return rank == 0;
    }
}
