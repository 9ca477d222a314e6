package dev.lockstep.device.nd4j;

import dev.lockstep.graph.Threefry;
import dev.lockstep.tensor.TensorType;
import java.lang.foreign.MemorySegment;

/**
 * {@link dev.lockstep.graph.RandomBits} on the cpu device: Threefry-2x32-20 over chunks of counters,
 * all rounds unrolled in one loop the JIT vectorises, chunks split across the compute threads (the
 * scalar reference in {@link Threefry} costs ~15 ns per element: a fifth of a small model's step went
 * to its dropout masks). Bits are those of {@link Threefry#bits} exactly; the conformance suite checks
 * them against it, including counters that carry into the high word.
 */
final class RandomKernel {
    private static final int CHUNK = 1024;
    /** Chunks handed to a thread at a time. */
    private static final int GRAIN = 2;
    private static final long PARALLEL_MIN = 1 << 14;

    private final long n;
    /** Per part: the two words of each counter block of a chunk as the rounds transform them. */
    private final int[][] x0, x1;
    private final Workers workers;

    private RandomKernel(TensorType out, Workers workers) {
        this.n = out.shape().size();
        int parts = workers != null && n >= PARALLEL_MIN ? workers.size() : 1;
        this.workers = parts > 1 ? workers : null;
        int len = (int) Math.min(CHUNK, Math.max(1, n));
        this.x0 = new int[parts][len];
        this.x1 = new int[parts][len];
    }

    static Kernel of(TensorType out, Workers workers) {
        RandomKernel k = new RandomKernel(out, workers);
        return k::run;
    }

    private void run(MemorySegment[] in, MemorySegment o) {
        long key = in[0].getAtIndex(Mem.I64, 0), counter = in[1].getAtIndex(Mem.I64, 0);
        int k0 = (int) key, k1 = (int) (key >>> 32);
        int[] ks = {k0, k1, k0 ^ k1 ^ Threefry.PARITY};
        long chunks = (n + CHUNK - 1) / CHUNK;
        if (workers == null) {
            for (long c = 0; c < chunks; c++) {
                chunk(0, ks, counter, c, o);
            }
            return;
        }
        workers.dynamic(chunks, GRAIN, (part, from, to) -> {
            for (long c = from; c < to; c++) {
                chunk(part, ks, counter, c, o);
            }
        });
    }

    /**
     * Counters {@code counter + base + i} of chunk {@code c} through the 20 rounds; key words {@code ks}.
     * One loop per block of four rounds: short enough for the JIT to unroll and vectorise (one loop with
     * all 20 rounds stayed scalar, 7.6 ns per element), few enough passes over the arrays (a loop per
     * round ran at 2.6 ns per element).
     */
    private void chunk(int part, int[] ks, long counter, long c, MemorySegment o) {
        long base = c * CHUNK;
        int len = (int) Math.min(CHUNK, n - base);
        int[] a = x0[part], b = x1[part];
        for (int i = 0; i < len; i++) {
            long ctr = counter + base + i;
            a[i] = (int) ctr + ks[0];
            b[i] = (int) (ctr >>> 32) + ks[1];
        }
        for (int block = 0; block < 5; block++) {
            int add0 = ks[(block + 1) % 3], add1 = ks[(block + 2) % 3] + block + 1;
            if (block % 2 == 0) {
                for (int i = 0; i < len; i++) {
                    int x = a[i], y = b[i];
                    x += y; y = Integer.rotateLeft(y, 13) ^ x;
                    x += y; y = Integer.rotateLeft(y, 15) ^ x;
                    x += y; y = Integer.rotateLeft(y, 26) ^ x;
                    x += y; y = Integer.rotateLeft(y, 6) ^ x;
                    a[i] = x + add0;
                    b[i] = y + add1;
                }
            } else {
                for (int i = 0; i < len; i++) {
                    int x = a[i], y = b[i];
                    x += y; y = Integer.rotateLeft(y, 17) ^ x;
                    x += y; y = Integer.rotateLeft(y, 29) ^ x;
                    x += y; y = Integer.rotateLeft(y, 16) ^ x;
                    x += y; y = Integer.rotateLeft(y, 24) ^ x;
                    a[i] = x + add0;
                    b[i] = y + add1;
                }
            }
        }
        MemorySegment.copy(a, 0, o, Mem.I32, base * 4, len);
    }
}
