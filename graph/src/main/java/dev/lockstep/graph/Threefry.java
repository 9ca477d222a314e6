package dev.lockstep.graph;

/**
 * Threefry-2x32 with 20 rounds (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3"), the
 * reference definition behind {@link RandomBits}. Matches the Random123 and JAX implementations.
 */
public final class Threefry {
    /** Rotations of rounds 0-3 of even blocks, then of odd ones (device kernels unroll them as constants). */
    private static final int[] ROTATIONS = {13, 15, 26, 6, 17, 29, 16, 24};
    /** Folded into the third key word: k2 = k0 ^ k1 ^ PARITY. */
    public static final int PARITY = 0x1BD11BDA;

    private Threefry() {}

    /** Both output words of Threefry-2x32-20 for key (k0, k1) and counter block (x0, x1). */
    public static int[] hash(int k0, int k1, int x0, int x1) {
        int[] ks = {k0, k1, k0 ^ k1 ^ PARITY};
        x0 += ks[0];
        x1 += ks[1];
        for (int block = 0; block < 5; block++) {
            for (int r = 0; r < 4; r++) {
                x0 += x1;
                x1 = Integer.rotateLeft(x1, ROTATIONS[(block % 2) * 4 + r]);
                x1 ^= x0;
            }
            x0 += ks[(block + 1) % 3];
            x1 += ks[(block + 2) % 3] + block + 1;
        }
        return new int[] {x0, x1};
    }

    /** Element {@code index} of {@link RandomBits} for the given key and counter. */
    public static int bits(long key, long counter, long index) {
        long c = counter + index;
        return hash((int) key, (int) (key >>> 32), (int) c, (int) (c >>> 32))[0];
    }
}
