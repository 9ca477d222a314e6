package dev.lockstep.data;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the upstream on a background thread, up to {@code depth} elements ahead. Each element travels with
 * the upstream cursor taken right after it, so the consumer's cursor is exact however far the producer ran
 * ahead; the order is the upstream's, so prefetch never changes the sequence. Upstream errors are
 * rethrown to the consumer at the position where they happened.
 */
record PrefetchStage<T>(Stage<T> upstream, int depth, ThreadFactory threads) implements Stage<T> {
    PrefetchStage {
        if (depth < 1) {
            throw new IllegalArgumentException("prefetch depth must be >= 1, got " + depth);
        }
    }

    public int length() {
        return upstream.length() + 1;
    }

    /** The depth is left out: it does not change the sequence, so a resume may use another depth. */
    public String describe() {
        return upstream.describe() + " > prefetch";
    }

    public StageIterator<T> open(Open open) {
        return new Engine(open);
    }

    /** How long a producer facing a full queue sleeps before looking again. */
    private static final long FULL_POLL_NANOS = 500_000;

    /** An element, the upstream cursor after it, and the corrupt-record skips read just before it. */
    private record Item<T>(T element, long[][] after, Throwable error, List<Counters.Skip> skips) {}

    private final class Engine implements StageIterator<T> {
        private final BlockingQueue<Item<T>> queue = new ArrayBlockingQueue<>(depth);
        private final Thread producer;
        private long[][] position;
        private boolean ended;
        private volatile boolean closed;
        private final Counters counters;

        Engine(Open open) {
            counters = open.counters();
            StageIterator<T> up = upstream.open(open);
            position = new long[length()][];
            up.save(position);
            producer = threads.newThread(() -> produce(up));
            producer.start();
        }

        private void produce(StageIterator<T> up) {
            try (up) {
                while (!closed) {
                    T t = up.next();
                    long[][] after = new long[length()][];
                    up.save(after);
                    offer(new Item<>(t, after, null, counters.takePendingSince(0)));
                    if (t == null) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                // close() interrupts a producer blocked on a full queue; nothing is waiting for more items
            } catch (Throwable e) {
                if (!closed) {
                    try {
                        queue.put(new Item<>(null, null, e, counters.takePendingSince(0)));
                    } catch (InterruptedException closing) {
                        // closed while the queue was full: nobody will read the error
                    }
                }
            }
        }

        /**
         * Waits for room by polling, not by blocking: a producer blocked on a full queue would be woken
         * by every take, and on a busy machine the scheduler then often runs it on the consumer's core,
         * preempting the training thread in the middle of fetching a batch that was already there.
         * Polling every {@link #FULL_POLL_NANOS} keeps hand-over free of wake-ups; the queue is
         * {@code depth} steps deep, so the delay before refilling costs nothing.
         */
        private void offer(Item<T> item) throws InterruptedException {
            while (!queue.offer(item)) {
                if (closed || Thread.interrupted()) {
                    throw new InterruptedException();
                }
                LockSupport.parkNanos(FULL_POLL_NANOS);
            }
        }

        @Override
        public T next() {
            if (ended) {
                return null;
            }
            Item<T> item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for prefetched data from ["
                        + upstream.describe() + "]", e);
            }
            counters.repost(item.skips()); // passed on with the element, as if read on this thread
            if (item.error() != null) {
                ended = true;
                switch (item.error()) {
                    case RuntimeException r -> throw r;
                    case Error err -> throw err;
                    default -> throw new IllegalStateException("prefetch of [" + upstream.describe() + "] failed",
                            item.error());
                }
            }
            position = item.after();
            if (item.element() == null) {
                ended = true;
            }
            return item.element();
        }

        @Override
        public void save(long[][] states) {
            System.arraycopy(position, 0, states, 0, length() - 1);
            states[length() - 1] = new long[0];
        }

        @Override
        public void close() {
            closed = true;
            producer.interrupt();
        }
    }
}
