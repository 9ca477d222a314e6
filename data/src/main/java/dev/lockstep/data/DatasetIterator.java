package dev.lockstep.data;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Iterates a {@link Dataset}. {@link #cursor()} is the position between the elements already returned and
 * the next one; {@code dataset.iterator(cursor)} continues from exactly there. Close it to stop prefetch
 * threads and release files. Not thread-safe: one consumer.
 */
public final class DatasetIterator<T> implements Iterator<T>, AutoCloseable {
    private final Stage<T> stage;
    private final StageIterator<T> engine;
    private final Counters counters;
    private T peeked;
    private long[][] beforePeek; // position of the peeked element, which the consumer has not taken yet
    private boolean ended;

    DatasetIterator(Stage<T> stage, StageIterator<T> engine, Counters counters) {
        this.stage = stage;
        this.engine = engine;
        this.counters = counters;
    }

    @Override
    public boolean hasNext() {
        if (peeked == null && !ended) {
            beforePeek = new long[stage.length()][];
            engine.save(beforePeek);
            peeked = fetch();
            ended = peeked == null;
            if (ended) {
                counters.publishPending(); // skips at the end of the data: nothing follows to pass them
            }
        }
        return peeked != null;
    }

    @Override
    public T next() {
        T t = peeked != null ? peeked : ended ? null : fetch();
        peeked = null;
        counters.publishPending(); // the skips before t: the consumer has now passed them
        if (t == null) {
            ended = true;
            throw new NoSuchElementException("end of dataset [" + stage.describe() + "]");
        }
        counters.elements.increment();
        return t;
    }

    /** Time spent here is time the consumer (the training step) waited for data. */
    private T fetch() {
        long start = System.nanoTime();
        try {
            return engine.next();
        } finally {
            counters.waitNanos.add(System.nanoTime() - start);
        }
    }

    /** Where this iterator stands: after every element returned by {@link #next()}, before the rest. */
    public Cursor cursor() {
        if (peeked != null) {
            return new Cursor(stage.describe(), beforePeek);
        }
        long[][] states = new long[stage.length()][];
        engine.save(states);
        return new Cursor(stage.describe(), states);
    }

    /** The epoch of the outermost repeat at {@link #cursor()} (full passes over its input; 0 without one). */
    public long epoch() {
        return RepeatStage.epochAt(stage, cursor().stages());
    }

    public DataMetrics metrics() {
        return counters.snapshot();
    }

    @Override
    public void close() {
        engine.close();
    }
}
