package dev.lockstep.data;

import java.util.List;

/**
 * Block shuffle: reads {@code buffer} upstream elements, emits them in the permutation hashed from
 * (seed, epoch, block index), then reads the next block. Unlike TensorFlow's sliding-buffer shuffle (whose
 * buffer after n elements depends on the whole history), a block is a function of where it started, so
 * the cursor stays small: the upstream cursor at the block's start plus [block, position, loaded].
 * Resuming mid-block re-reads that one block (at most {@code buffer} elements); resuming between blocks
 * re-reads nothing. Mixing is within a block only, so pair it with sharded or shuffled file order for data
 * sorted on disk.
 */
record ShuffleStage<T>(Stage<T> upstream, int buffer, long seed) implements Stage<T> {
    ShuffleStage {
        if (buffer < 1) {
            throw new IllegalArgumentException("shuffle buffer must be >= 1, got " + buffer);
        }
    }

    public int length() {
        return upstream.length() + 1;
    }

    public String describe() {
        return upstream.describe() + " > shuffle(" + buffer + ", seed=" + seed + ")";
    }

    public StageIterator<T> open(Open open) {
        return new Engine(open);
    }

    private final class Engine implements StageIterator<T> {
        private final StageIterator<T> up;
        private final long epoch;
        private final Object[] block = new Object[buffer];
        private long[][] blockStart; // upstream states where the loaded block began
        private int filled;
        private int pos;
        private int[] order;
        private long nextBlock;
        private boolean loaded;
        private final Counters counters;
        private List<Counters.Skip> heldSkips = List.of(); // read with the block, passed on after its last element

        Engine(Open open) {
            counters = open.counters();
            epoch = open.epoch();
            up = upstream.open(open);
            long[] own = open.own(ShuffleStage.this);
            if (own != null) {
                nextBlock = own[0];
                if (own[2] == 1) {
                    load(); // the upstream was opened at the start of this block, so reading it again is exact
                    pos = (int) own[1];
                }
            }
        }

        private void load() {
            blockStart = new long[length()][];
            up.save(blockStart);
            filled = 0;
            int mark = counters.pendingMark();
            for (T t; filled < buffer && (t = up.next()) != null; ) {
                block[filled++] = t;
            }
            // A resume mid-block re-reads the whole block, so its skips are passed only with its last element.
            heldSkips = counters.takePendingSince(mark);
            order = Rng.permutation(filled, seed, "shuffle", epoch, nextBlock);
            nextBlock++;
            pos = 0;
            loaded = true;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T next() {
            if (!loaded || pos == filled) {
                if (loaded && filled < buffer) {
                    return null; // a short block means the upstream ended
                }
                load();
                if (filled == 0) {
                    releaseSkips();
                    return null;
                }
            }
            T t = (T) block[order[pos]];
            block[order[pos++]] = null; // let emitted elements be collected
            if (pos == filled) {
                releaseSkips();
            }
            return t;
        }

        private void releaseSkips() {
            counters.repost(heldSkips);
            heldSkips = List.of();
        }

        @Override
        public void save(long[][] states) {
            int slot = length() - 1;
            if (loaded && pos < filled) {
                System.arraycopy(blockStart, 0, states, 0, slot);
                states[slot] = new long[] {nextBlock - 1, pos, 1};
            } else {
                up.save(states); // between blocks: nothing buffered, resume reads on from here
                states[slot] = new long[] {nextBlock, 0, 0};
            }
        }

        @Override
        public void close() {
            up.close();
        }
    }
}
