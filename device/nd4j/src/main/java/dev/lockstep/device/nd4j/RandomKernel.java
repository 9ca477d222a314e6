package dev.lockstep.device.nd4j;

import dev.lockstep.graph.TensorType;
import dev.lockstep.graph.Threefry;
import java.lang.foreign.MemorySegment;

/**
 * {@link dev.lockstep.graph.RandomBits} on the cpu device: Threefry-2x32-20 over chunks of counters,
 * each round one loop over int arrays so it vectorises (the scalar reference in {@link Threefry}
 * costs ~15 ns per element: a quarter of a small model's step went to its dropout masks). Bits are
 * those of {@link Threefry#bits} exactly; the conformance suite checks them against it.
 */
final class RandomKernel {
    private static final int CHUNK = 1024;
    /** Chunks handed to a thread at a time. */
    private static final int GRAIN = 2;
    private static final long PARALLEL_MIN = 1 << 14;

    private final long n;
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

    /** Counters {@code counter + base + i} of chunk {@code c} through the 20 rounds; key words {@code ks}. */
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
            for (int r = 0; r < 4; r++) {
                int rot = Threefry.rotation(block, r);
                for (int i = 0; i < len; i++) {
                    int s = a[i] + b[i];
                    a[i] = s;
                    b[i] = Integer.rotateLeft(b[i], rot) ^ s;
                }
            }
            int add0 = ks[(block + 1) % 3], add1 = ks[(block + 2) % 3] + block + 1;
            for (int i = 0; i < len; i++) {
                a[i] += add0;
                b[i] += add1;
            }
        }
        MemorySegment.copy(a, 0, o, Mem.I32, base * 4, len);
    }
}
