package dev.lockstep.worker;

import dev.lockstep.collective.Bucket;
import dev.lockstep.device.Buffer;
import dev.lockstep.estimator.GradientReducer;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One step's reduce overlapped with the backward pass: the collective thread takes the buckets in a
 * fixed order (last bucket first: the payload is in parameter order, and the backward pass finishes
 * the last layers' gradients first), waits until every entry of the bucket is ready, copies them into
 * the staging buffer and all-reduces it while the device computes the rest. The order is a function of
 * the layout alone, so every rank reduces the same bucket at the same time (invariant 5), and each
 * bucket's sums are exactly those of a reduce after the step: overlap changes when, never what.
 *
 * <p>The sums go back into the device buffers on the caller's thread in {@link #finish}, after the
 * gradient program has returned. A failed bucket, or a step abandoned by the caller, aborts the
 * transport (the peers fail at once, naming this rank) and {@link #finish} throws.
 */
final class OverlappedReduce implements GradientReducer.Pending {
    /** Reduces one bucket that is loaded in the staging buffer; throws what the reducer should report. */
    @FunctionalInterface
    interface BucketReduction {
        void reduce(Bucket bucket);
    }

    /** Told once when the reduce cannot finish: aborts the transport and returns the error to throw. */
    @FunctionalInterface
    interface Failure {
        RuntimeException fail(Bucket bucket, RuntimeException cause);
    }

    private final HostStaging staging;
    private final List<Buffer> payload;
    private final BucketReduction reduction;
    private final Failure failure;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Per bucket: entries not yet ready. */
    private final int[] missing;
    private boolean allReady;
    private RuntimeException abandoned;
    private final Future<?> work;

    OverlappedReduce(HostStaging staging, List<Buffer> payload, BucketReduction reduction, Failure failure,
                     ExecutorService thread) {
        staging.check(payload);
        this.staging = staging;
        this.payload = List.copyOf(payload);
        this.reduction = reduction;
        this.failure = failure;
        List<Bucket> buckets = staging.buckets().buckets();
        this.missing = new int[buckets.size()];
        for (int i = 0; i < payload.size(); i++) {
            missing[staging.bucketOf(i)]++;
        }
        this.work = thread.submit(this::run);
    }

    @Override
    public void ready(int entry) {
        lock.lock();
        try {
            if (--missing[staging.bucketOf(entry)] == 0) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void finish() {
        lock.lock();
        try {
            // The gradient program has returned, so every entry is final, announced or not.
            allReady = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        awaitWork();
        staging.store(payload);
    }

    @Override
    public void abandon(RuntimeException cause) {
        lock.lock();
        try {
            abandoned = cause;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            awaitWork();
        } catch (RuntimeException expected) {
            // The step already failed with the caller's own error; this is its echo.
        }
    }

    private void awaitWork() {
        try {
            work.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon(new IllegalStateException("interrupted while the all-reduce ran"));
            throw new IllegalStateException("interrupted while the all-reduce ran");
        }
    }

    private void run() {
        List<Bucket> buckets = staging.buckets().buckets();
        for (int b = buckets.size() - 1; b >= 0; b--) {
            Bucket bucket = buckets.get(b);
            try {
                awaitReady(b);
                for (int i = 0; i < payload.size(); i++) {
                    if (staging.bucketOf(i) == b) {
                        staging.load(i, payload.get(i));
                    }
                }
                reduction.reduce(bucket);
            } catch (RuntimeException e) {
                throw failure.fail(bucket, e);
            }
        }
    }

    private void awaitReady(int bucket) {
        lock.lock();
        try {
            while (missing[bucket] > 0 && !allReady && abandoned == null) {
                changed.awaitUninterruptibly();
            }
            if (abandoned != null) {
                throw new IllegalStateException("the step was abandoned: " + abandoned.getMessage(), abandoned);
            }
        } finally {
            lock.unlock();
        }
    }
}
