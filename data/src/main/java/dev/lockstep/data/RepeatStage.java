package dev.lockstep.data;

/**
 * Replays the upstream {@code count} times (forever when count is negative), reopening it fresh each
 * epoch with the epoch number so shuffles reorder per epoch. State: [epoch].
 */
record RepeatStage<T>(Stage<T> upstream, long count) implements Stage<T> {
    public int length() {
        return upstream.length() + 1;
    }

    public String describe() {
        return upstream.describe() + (count < 0 ? " > repeat" : " > repeat(" + count + ")");
    }

    public StageIterator<T> open(Open open) {
        return new Engine(open);
    }

    /**
     * The epoch the outermost repeat of {@code pipeline} stands in at {@code states} (a cursor's stages):
     * how many full passes it has completed. 0 for a pipeline without a repeat.
     */
    static long epochAt(Stage<?> pipeline, long[][] states) {
        for (Stage<?> s = pipeline; s != null; s = s.upstream()) {
            if (s instanceof RepeatStage<?> r) {
                long[] own = states[r.length() - 1];
                return own == null || own.length == 0 ? 0 : own[0];
            }
        }
        return 0;
    }

    private final class Engine implements StageIterator<T> {
        private final Open open;
        private long epoch;
        private StageIterator<T> up;
        private boolean fresh; // the current upstream started at its epoch's beginning

        Engine(Open open) {
            this.open = open;
            long[] own = open.own(RepeatStage.this);
            epoch = own == null ? 0 : own[0];
            fresh = own == null;
            up = (count < 0 || epoch < count) ? upstream.open(new Open(upstreamEpoch(), open.states(), open.counters()))
                    : null;
        }

        /** Nested repeats still give every pass of the innermost source a distinct epoch. */
        private long upstreamEpoch() {
            return count < 0 ? open.epoch() + epoch : open.epoch() * count + epoch;
        }

        @Override
        public T next() {
            while (up != null) {
                T t = up.next();
                if (t != null) {
                    fresh = false;
                    return t;
                }
                if (fresh && count < 0) {
                    throw new IllegalStateException("repeat: epoch " + epoch + " of [" + upstream.describe()
                            + "] produced no elements, so repeating it would loop forever (is the source empty, "
                            + "or smaller than a drop-remainder batch?)");
                }
                up.close();
                epoch++;
                up = null;
                if (count < 0 || epoch < count) {
                    up = upstream.open(open.fresh(upstreamEpoch()));
                    fresh = true;
                }
            }
            return null;
        }

        @Override
        public void save(long[][] states) {
            if (up != null) {
                up.save(states);
            } else {
                for (int i = 0; i < length() - 1; i++) {
                    states[i] = new long[0]; // finished: upstream rows are never read again
                }
            }
            states[length() - 1] = new long[] {epoch};
        }

        @Override
        public void close() {
            if (up != null) {
                up.close();
            }
        }
    }
}
