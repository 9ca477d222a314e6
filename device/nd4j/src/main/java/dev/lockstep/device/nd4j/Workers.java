package dev.lockstep.device.nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/** The device's compute threads: {@code size - 1} daemon threads plus the calling thread. */
final class Workers implements AutoCloseable {
    private final int size;
    private final ExecutorService pool;

    Workers(int size, String name) {
        this.size = size;
        int[] n = {0};
        this.pool = Executors.newFixedThreadPool(size - 1, r -> {
            Thread t = new Thread(r, name + "-compute-" + (++n[0]));
            t.setDaemon(true);
            return t;
        });
    }

    int size() {
        return size;
    }

    /** Runs {@code body(0..parts-1)}, part 0 on the calling thread; rethrows the first failure. */
    void parallel(int parts, IntConsumer body) {
        List<Future<?>> futures = new ArrayList<>(parts - 1);
        for (int p = 1; p < parts; p++) {
            int part = p;
            futures.add(pool.submit(() -> body.accept(part)));
        }
        body.accept(0);
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a compute thread", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
