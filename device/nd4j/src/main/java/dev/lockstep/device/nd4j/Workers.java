package dev.lockstep.device.nd4j;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The device's compute threads: {@code size - 1} daemon helpers plus the calling thread.
 *
 * <p>Waking a parked thread costs 25-35 us on the virtual machines measured here, as much as a
 * mid-sized kernel, so a helper polls for the next task for a while before parking. The
 * caller never waits for a helper that has not started: parts are claimed, and the caller runs
 * every part still unclaimed once its own is done. So a late helper (parked, or descheduled by
 * another process on a shared machine) costs at most the parts it already took, never a stall.
 */
final class Workers implements AutoCloseable {
    /**
     * How long a helper polls for the next task before parking: longer than the gaps between the
     * kernels of a step, so a step pays for waking its helpers once, not once per kernel.
     */
    private static final long SPIN_NANOS = 1_000_000;
    /** How long the caller polls for helpers to finish before yielding its core between polls. */
    private static final long WAIT_SPIN_NANOS = 50_000;

    private final int size;
    private final Thread[] helpers;
    private final AtomicBoolean[] parked;
    private final AtomicBoolean busy = new AtomicBoolean();
    /** The latest task; helpers act on each generation at most once, from this one snapshot. */
    private volatile Task task = new Task(0, null, 0);
    private volatile boolean closed;

    /** Parts {@code 1..parts-1} go to whoever claims them first; {@code done} counts finished ones. */
    private static final class Task {
        final long generation;
        final IntConsumer body;
        final int parts;
        final AtomicInteger next = new AtomicInteger(1);
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Task(long generation, IntConsumer body, int parts) {
            this.generation = generation;
            this.body = body;
            this.parts = parts;
        }

        /** Runs unclaimed parts until none is left. */
        void drain() {
            for (int p; (p = next.getAndIncrement()) < parts; ) {
                try {
                    body.accept(p);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    Workers(int size, String name) {
        this.size = size;
        this.helpers = new Thread[size - 1];
        this.parked = new AtomicBoolean[size - 1];
        for (int i = 0; i < helpers.length; i++) {
            int id = i;
            parked[i] = new AtomicBoolean();
            helpers[i] = new Thread(() -> loop(id), name + "-compute-" + (i + 1));
            helpers[i].setDaemon(true);
            helpers[i].start();
        }
    }

    int size() {
        return size;
    }

    /**
     * Runs {@code body(0..parts-1)}, part 0 on the calling thread, the others on whichever thread
     * claims them; rethrows the first failure. A call made while the helpers are taken (another
     * executable's step, or from inside a part) runs every part on the calling thread.
     */
    void parallel(int parts, IntConsumer body) {
        if (parts > size) {
            throw new IllegalArgumentException(parts + " parts for " + size + " compute threads");
        }
        if (parts <= 1 || closed || !busy.compareAndSet(false, true)) {
            for (int p = 0; p < parts; p++) {
                body.accept(p);
            }
            return;
        }
        try {
            Task t = new Task(task.generation + 1, body, parts);
            task = t;
            for (int h = 0; h < parts - 1; h++) {
                if (parked[h].get()) {
                    LockSupport.unpark(helpers[h]);
                }
            }
            try {
                body.accept(0);
            } catch (Throwable e) {
                t.failure = e;
            }
            t.drain();
            long until = System.nanoTime() + WAIT_SPIN_NANOS;
            while (t.done.get() < parts - 1) {
                if (System.nanoTime() - until < 0) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            task = new Task(t.generation, null, 0);
            rethrow(t.failure);
        } finally {
            busy.set(false);
        }
    }

    /**
     * Runs {@code body.run(part, from, to)} over {@code [0, count)} in slices of {@code grain} handed
     * out on demand, so a thread that starts late simply takes fewer slices; {@code part} tells the
     * body whose scratch to use. Which thread runs a slice must not change what the slice computes.
     */
    void dynamic(long count, long grain, Range body) {
        AtomicLong next = new AtomicLong();
        parallel(size, p -> {
            for (long from; (from = next.getAndAdd(grain)) < count; ) {
                body.run(p, from, Math.min(count, from + grain));
            }
        });
    }

    @FunctionalInterface
    interface Range {
        void run(int part, long from, long to);
    }

    private static void rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    private void loop(int id) {
        long seen = 0;
        while (!closed) {
            long deadline = System.nanoTime() + SPIN_NANOS;
            Task t;
            while ((t = task).generation == seen && !closed) {
                if (System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                    continue;
                }
                // Published before re-checking, so parallel() either sees the flag or we see its task.
                parked[id].set(true);
                if (task.generation == seen && !closed) {
                    LockSupport.park(this);
                }
                parked[id].set(false);
                deadline = System.nanoTime() + SPIN_NANOS;
            }
            seen = t.generation;
            if (t.body != null) {
                t.drain();
            }
        }
    }

    /** Starts parked helpers polling ahead of work that is about to come (a step starting). */
    void wake() {
        for (int h = 0; h < helpers.length; h++) {
            if (parked[h].get()) {
                LockSupport.unpark(helpers[h]);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread h : helpers) {
            LockSupport.unpark(h);
        }
    }
}
