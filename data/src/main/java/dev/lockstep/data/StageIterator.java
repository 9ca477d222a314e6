package dev.lockstep.data;

/** The engine of one stage. Single-threaded: a prefetch stage owns its upstream on its own thread. */
interface StageIterator<T> extends AutoCloseable {
    /** The next element, or null at the end (elements are never null). */
    T next();

    /** Writes the state of this stage and its upstream into {@code states[0 .. length-1]}. */
    void save(long[][] states);

    /**
     * Where the element last returned came from ({@code csv FILE line N}, {@code SOURCE example I}), for
     * errors about its values; null when this stage cannot tell (after a shuffle or batch).
     */
    default String where() {
        return null;
    }

    @Override
    default void close() {}
}
