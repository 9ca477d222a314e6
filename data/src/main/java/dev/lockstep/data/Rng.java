package dev.lockstep.data;

/**
 * Counter-based randomness: every value is a pure function of (seed, purpose, ids...), so results never
 * depend on thread timing, on which worker computes them, or on how far an iterator has run (invariant 4).
 */
final class Rng {
    private Rng() {}

    /** SplitMix64's finalizer: a bijective avalanche mix of 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * A 64-bit hash of the seed, a purpose name and the ids, in order. The purpose enters through
     * String.hashCode rather than graph's Fnv1a (which data cannot depend on): changing it would
     * reorder every shuffled stream and regenerate every synthetic data set, so checkpoints trained
     * before would no longer be reproducible. Purposes are fixed ASCII constants, never user paths.
     */
    static long hash(long seed, String purpose, long... ids) {
        long h = mix(seed + 0x9e3779b97f4a7c15L);
        h = mix(h ^ purpose.hashCode()); // String.hashCode is specified, so stable across JVMs
        for (long id : ids) {
            h = mix((h + 0x9e3779b97f4a7c15L) ^ id);
        }
        return h;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    static double uniform(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }

    /** Uniform integer in [0, bound), by multiply-shift on the high 32 bits (bias below 2^-32 * bound). */
    static int below(long h, int bound) {
        return (int) (((h >>> 32) * bound) >>> 32);
    }

    /** Standard normal by Box-Muller from two hashes of the same ids. */
    static double normal(long seed, String purpose, long... ids) {
        long[] a = java.util.Arrays.copyOf(ids, ids.length + 1);
        a[ids.length] = 0;
        double u1 = 1.0 - uniform(hash(seed, purpose, a)); // in (0, 1], so log is finite
        a[ids.length] = 1;
        double u2 = uniform(hash(seed, purpose, a));
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** The permutation of [0, n) for these ids (Fisher-Yates driven by per-position hashes). */
    static int[] permutation(int n, long seed, String purpose, long... ids) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        long[] a = java.util.Arrays.copyOf(ids, ids.length + 1);
        for (int i = n - 1; i > 0; i--) {
            a[ids.length] = i;
            int j = below(hash(seed, purpose, a), i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
