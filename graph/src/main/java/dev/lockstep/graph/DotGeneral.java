package dev.lockstep.graph;

/**
 * {@code stablehlo.dot_general}: batched matrix multiply. Result dimensions are the batch
 * dimensions (in lhs order), then lhs free dimensions, then rhs free dimensions.
 */
public record DotGeneral(int[] lhsBatch, int[] rhsBatch, int[] lhsContracting, int[] rhsContracting)
        implements Op {
    public DotGeneral {
        lhsBatch = lhsBatch.clone();
        rhsBatch = rhsBatch.clone();
        lhsContracting = lhsContracting.clone();
        rhsContracting = rhsContracting.clone();
    }

    /** Plain matrix product [m, k] x [k, n]. */
    public static DotGeneral matmul() {
        return new DotGeneral(new int[0], new int[0], new int[] {1}, new int[] {0});
    }
}
