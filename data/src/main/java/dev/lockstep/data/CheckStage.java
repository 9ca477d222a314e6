package dev.lockstep.data;

import java.util.function.Function;

/**
 * Checks each element's values, failing at the first bad one with where the upstream says it came from
 * ({@link StageIterator#where()}). Transparent to cursors: it neither reorders nor holds state, so it takes no
 * slot and keeps the upstream's description, and a cursor saved before a check was added still resumes.
 */
record CheckStage<T>(Stage<T> upstream, Function<? super T, String> problem) implements Stage<T> {
    public int length() {
        return upstream.length();
    }

    public String describe() {
        return upstream.describe();
    }

    public StageIterator<T> open(Open open) {
        StageIterator<T> up = upstream.open(open);
        return new StageIterator<>() {
            public T next() {
                T t = up.next();
                if (t == null) {
                    return null;
                }
                String p = problem.apply(t);
                if (p != null) {
                    String where = up.where();
                    throw new IllegalArgumentException((where != null ? where
                            : "an element of [" + upstream.describe() + "] (put the check before shuffle and batch "
                            + "to name it)") + ": " + p);
                }
                return t;
            }

            public void save(long[][] states) {
                up.save(states);
            }

            public void close() {
                up.close();
            }

            public String where() {
                return up.where();
            }
        };
    }
}
