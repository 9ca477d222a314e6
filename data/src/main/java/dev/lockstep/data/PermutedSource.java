package dev.lockstep.data;

/**
 * A random-access source read in a full per-epoch permutation: position p of epoch e is element
 * {@code perm(seed, e)(p)}. The permutation is a 4-round Feistel network on the next even power of two
 * with cycle-walking into [0, count), so it needs no memory and no pre-pass, mixes globally (unlike a
 * block shuffle), and resumes from a one-number cursor. State: [next position].
 */
record PermutedSource<T>(IndexedSource<T> source, long seed) implements Stage<T> {
    public int length() {
        return 1;
    }

    public String describe() {
        return source.describe() + " > shuffleAll(seed=" + seed + ")";
    }

    public StageIterator<T> open(Open open) {
        long[] own = open.own(this);
        long epoch = open.epoch();
        return new StageIterator<>() {
            long next = own == null ? 0 : own[0];
            long last = -1;

            public T next() {
                if (next >= source.count()) {
                    return null;
                }
                long i = permute(next++, source.count(), seed, epoch);
                last = i;
                T t = source.element().apply(i);
                if (t == null) {
                    throw new IllegalStateException(source.describe() + ": element " + i + " is null");
                }
                return t;
            }

            public void save(long[][] states) {
                states[0] = new long[] {next};
            }

            public String where() {
                return last < 0 ? null : source.describe() + " example " + last;
            }
        };
    }

    /** A bijection of [0, n) keyed by (seed, epoch). */
    static long permute(long index, long n, long seed, long epoch) {
        if (n <= 1) {
            return index;
        }
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1));
        bits += bits % 2;
        int half = bits / 2;
        long mask = (1L << half) - 1;
        long x = index;
        do { // cycle-walk: a bijection of [0, 2^bits) restricted to the cycle through index stays in [0, n)
            long left = x >>> half;
            long right = x & mask;
            for (int round = 0; round < 4; round++) {
                long f = Rng.hash(seed, "shuffle-all", epoch, round, right) & mask;
                long t = right;
                right = left ^ f;
                left = t;
            }
            x = (left << half) | right;
        } while (x >= n);
        return x;
    }
}
