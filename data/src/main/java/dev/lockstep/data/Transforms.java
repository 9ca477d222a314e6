package dev.lockstep.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/** The stateless or counter-only stages: map, filter, shard by record, take, batch. */
final class Transforms {
    private Transforms() {}

    private static final long[] NO_STATE = new long[0];

    record MapStage<A, B>(Stage<A> upstream, Function<? super A, ? extends B> fn) implements Stage<B> {
        public int length() {
            return upstream.length() + 1;
        }

        public String describe() {
            return upstream.describe() + " > map";
        }

        public StageIterator<B> open(Open open) {
            StageIterator<A> up = upstream.open(open);
            int slot = length() - 1;
            return new StageIterator<>() {
                public B next() {
                    A a = up.next();
                    if (a == null) {
                        return null;
                    }
                    return Objects.requireNonNull(fn.apply(a), "map function returned null (elements are never null)");
                }

                public void save(long[][] states) {
                    up.save(states);
                    states[slot] = NO_STATE;
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

    record FilterStage<T>(Stage<T> upstream, Predicate<? super T> keep) implements Stage<T> {
        public int length() {
            return upstream.length() + 1;
        }

        public String describe() {
            return upstream.describe() + " > filter";
        }

        public StageIterator<T> open(Open open) {
            StageIterator<T> up = upstream.open(open);
            int slot = length() - 1;
            return new StageIterator<>() {
                public T next() {
                    for (T t = up.next(); t != null; t = up.next()) {
                        if (keep.test(t)) {
                            return t;
                        }
                    }
                    return null;
                }

                public void save(long[][] states) {
                    up.save(states);
                    states[slot] = NO_STATE;
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

    /**
     * Keeps upstream elements whose ordinal within the epoch is {@code index} mod {@code count}: a pure
     * function of position and world size (invariant 5). State: [upstream elements consumed].
     */
    record ShardStage<T>(Stage<T> upstream, int count, int index) implements Stage<T> {
        public int length() {
            return upstream.length() + 1;
        }

        public String describe() {
            return upstream.describe() + " > shard(" + count + ", " + index + ")";
        }

        public StageIterator<T> open(Open open) {
            StageIterator<T> up = upstream.open(open);
            long[] own = open.own(this);
            int slot = length() - 1;
            return new StageIterator<>() {
                long seen = own == null ? 0 : own[0];

                public T next() {
                    for (T t = up.next(); t != null; t = up.next()) {
                        if (seen++ % count == index) {
                            return t;
                        }
                    }
                    return null;
                }

                public void save(long[][] states) {
                    up.save(states);
                    states[slot] = new long[] {seen};
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

    /** The first {@code limit} elements. State: [elements taken]. */
    record TakeStage<T>(Stage<T> upstream, long limit) implements Stage<T> {
        public int length() {
            return upstream.length() + 1;
        }

        public String describe() {
            return upstream.describe() + " > take(" + limit + ")";
        }

        public StageIterator<T> open(Open open) {
            StageIterator<T> up = upstream.open(open);
            long[] own = open.own(this);
            int slot = length() - 1;
            return new StageIterator<>() {
                long taken = own == null ? 0 : own[0];

                public T next() {
                    if (taken >= limit) {
                        return null;
                    }
                    T t = up.next();
                    if (t != null) {
                        taken++;
                    }
                    return t;
                }

                public void save(long[][] states) {
                    up.save(states);
                    states[slot] = new long[] {taken};
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

    /**
     * Groups {@code size} consecutive elements. No own state: a batch is assembled inside one call, so
     * between calls nothing is buffered and the upstream position is the whole story.
     */
    record BatchStage<T, B>(Stage<T> upstream, int size, boolean dropRemainder, Function<List<T>, B> collate)
            implements Stage<B> {
        public int length() {
            return upstream.length() + 1;
        }

        public String describe() {
            return upstream.describe() + " > batch(" + size + (dropRemainder ? ", drop remainder)" : ")");
        }

        public StageIterator<B> open(Open open) {
            StageIterator<T> up = upstream.open(open);
            int slot = length() - 1;
            return new StageIterator<>() {
                public B next() {
                    List<T> batch = new ArrayList<>(size);
                    for (T t; batch.size() < size && (t = up.next()) != null; ) {
                        batch.add(t);
                    }
                    if (batch.isEmpty() || (dropRemainder && batch.size() < size)) {
                        return null;
                    }
                    return Objects.requireNonNull(collate.apply(List.copyOf(batch)), "batch collate returned null");
                }

                public void save(long[][] states) {
                    up.save(states);
                    states[slot] = NO_STATE;
                }

                public void close() {
                    up.close();
                }
            };
        }
    }
}
