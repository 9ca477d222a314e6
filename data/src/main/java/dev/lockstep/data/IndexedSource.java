package dev.lockstep.data;

import java.util.function.LongFunction;

/**
 * A source with random access by index: in-memory arrays and synthetic generators (whose examples are pure
 * functions of their index). State: [next index]; resume costs nothing.
 */
record IndexedSource<T>(String description, long count, LongFunction<T> element) implements Stage<T> {
    IndexedSource {
        if (count < 0) {
            throw new IllegalArgumentException(description + ": element count must be >= 0, got " + count);
        }
    }

    public int length() {
        return 1;
    }

    public String describe() {
        return description;
    }

    public StageIterator<T> open(Open open) {
        long[] own = open.own(this);
        return new StageIterator<>() {
            long next = own == null ? 0 : own[0];

            public T next() {
                if (next >= count) {
                    return null;
                }
                T t = element.apply(next++);
                if (t == null) {
                    throw new IllegalStateException(description + ": element " + (next - 1) + " is null");
                }
                return t;
            }

            public void save(long[][] states) {
                states[0] = new long[] {next};
            }

            public String where() {
                return next == 0 ? null : description + " example " + (next - 1);
            }
        };
    }
}
