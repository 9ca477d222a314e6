package dev.lockstep.data;

import java.util.ArrayList;
import java.util.List;

/**
 * How the examples of one global batch are shared among the replicas of a step: a pure function of the
 * global batch and the world size, so every replica computes the same one and the global batch does not
 * depend on the world size (invariant 2).
 *
 * <p>The batch is cut into {@link #pieces()} contiguous pieces of {@link #pieceSize()} examples, and rank r
 * takes the run of pieces {@code [r * pieces / worldSize, (r + 1) * pieces / worldSize)}. When the world
 * size divides the global batch there is one piece per rank (the slices of
 * {@link Dataset#globalBatchSlice}). Otherwise the pieces are smaller than a slice and a rank's run is
 * trained as micro-batches of one piece each, the runs differing by at most one piece: the largest piece
 * size whose biggest run is within a quarter of an even share (or of the best any piece size achieves)
 * is chosen, so the pieces stay as large as the balance allows.
 */
public record BatchShare(int globalBatch, int worldSize, int pieceSize) {
    public BatchShare {
        if (worldSize < 1 || globalBatch < worldSize) {
            throw new IllegalArgumentException("a global batch of " + globalBatch + " examples cannot be shared by "
                    + worldSize + " workers (each needs at least one example)");
        }
        if (pieceSize < 1 || globalBatch % pieceSize != 0 || globalBatch / pieceSize < worldSize) {
            throw new IllegalArgumentException("piece size " + pieceSize + " must divide the global batch of "
                    + globalBatch + " into at least " + worldSize + " pieces");
        }
    }

    /** The share of {@code globalBatch} among {@code worldSize} replicas (see the class comment). */
    public static BatchShare of(int globalBatch, int worldSize) {
        if (worldSize >= 1 && globalBatch >= worldSize && globalBatch % worldSize == 0) {
            return new BatchShare(globalBatch, worldSize, globalBatch / worldSize);
        }
        List<Integer> sizes = new ArrayList<>();
        for (int m = 1; worldSize >= 1 && globalBatch / m >= worldSize; m++) {
            if (globalBatch % m == 0) {
                sizes.add(m);
            }
        }
        if (sizes.isEmpty()) {
            return new BatchShare(globalBatch, worldSize, 1); // the constructor names the problem
        }
        long best = Long.MAX_VALUE;
        for (int m : sizes) {
            best = Math.min(best, largestRun(globalBatch, worldSize, m));
        }
        long tolerated = Math.max(best, (long) Math.ceil(1.25 * globalBatch / worldSize));
        int chosen = 1;
        for (int m : sizes) {
            if (largestRun(globalBatch, worldSize, m) <= tolerated) {
                chosen = Math.max(chosen, m);
            }
        }
        return new BatchShare(globalBatch, worldSize, chosen);
    }

    /** Examples in the biggest run of pieces of size {@code m}. */
    private static long largestRun(int globalBatch, int worldSize, int m) {
        int k = globalBatch / m;
        return (long) ((k + worldSize - 1) / worldSize) * m;
    }

    /** One piece per rank: every rank trains a slice of {@code globalBatch / worldSize} in one micro-batch. */
    public boolean even() {
        return pieces() == worldSize;
    }

    public int pieces() {
        return globalBatch / pieceSize;
    }

    public int firstPiece(int rank) {
        checkRank(rank);
        return (int) ((long) rank * pieces() / worldSize);
    }

    public int pieceCount(int rank) {
        checkRank(rank);
        return (int) ((long) (rank + 1) * pieces() / worldSize) - firstPiece(rank);
    }

    /** The index, within its global batch, of the first example of {@code rank}'s {@code j}-th piece. */
    public int firstExample(int rank, int j) {
        if (j < 0 || j >= pieceCount(rank)) {
            throw new IllegalArgumentException("rank " + rank + " has " + pieceCount(rank) + " pieces, not a piece " + j);
        }
        return (firstPiece(rank) + j) * pieceSize;
    }

    /** E.g. "the global batch of 256 over 3 workers: 8 pieces of 32 examples, 3, 3, 2 per worker". */
    public String describe() {
        StringBuilder runs = new StringBuilder();
        for (int r = 0; r < worldSize; r++) {
            runs.append(r == 0 ? "" : ", ").append(pieceCount(r));
        }
        return even()
                ? "the global batch of " + globalBatch + " over " + worldSize + " workers: " + pieceSize + " examples each"
                : "the global batch of " + globalBatch + " does not divide over " + worldSize + " workers: "
                        + pieces() + " micro-batches of " + pieceSize + " examples, " + runs + " per worker";
    }

    private void checkRank(int rank) {
        if (rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank must be in [0, " + worldSize + "), got " + rank);
        }
    }
}
