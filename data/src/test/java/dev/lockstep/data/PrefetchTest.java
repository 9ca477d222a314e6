package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PrefetchTest {
    @Test
    void yieldsTheSameSequenceAsWithoutPrefetch() {
        Dataset<List<Long>> plain = Dataset.range(200).shard(2, 0).shuffle(9, 5).batch(7, false).repeat(3);
        assertEquals(Drain.all(plain), Drain.all(plain.prefetch(1)));
        assertEquals(Drain.all(plain), Drain.all(plain.prefetch(4)));
    }

    @Test
    void upstreamErrorsArriveAtTheirPosition() {
        Dataset<Long> d = Dataset.range(10).map(x -> {
            if (x == 6) {
                throw new IllegalStateException("bad element 6");
            }
            return x;
        }).prefetch(3);
        List<Long> got = new ArrayList<>();
        try (DatasetIterator<Long> it = d.iterator()) {
            var e = assertThrows(IllegalStateException.class, () -> {
                while (it.hasNext()) {
                    got.add(it.next());
                }
            });
            assertEquals("bad element 6", e.getMessage());
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), got);
    }

    @Test
    void reportsTheTimeTheConsumerWaited() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        Dataset<Long> slow = Dataset.range(3).map(x -> {
            if (x == 0) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return x;
        }).prefetch(2);
        try (DatasetIterator<Long> it = slow.iterator()) {
            Thread releaser = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(30);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                release.countDown();
            });
            assertEquals(List.of(0L, 1L, 2L), Drain.take(it, 10)); // blocks until the releaser runs
            releaser.join();
            DataMetrics m = it.metrics();
            assertEquals(3, m.elements());
            assertTrue(m.waitNanos() > 0, "the consumer blocked on element 0, so it waited: " + m);
        }
    }

    @Test
    void closeStopsTheProducerThread() throws InterruptedException {
        List<Thread> started = new ArrayList<>();
        ThreadFactory threads = r -> {
            Thread t = Thread.ofPlatform().daemon().unstarted(r);
            started.add(t);
            return t;
        };
        DatasetIterator<Long> it = Dataset.range(5).repeat().prefetch(2, threads).iterator();
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 0L), Drain.take(it, 6));
        it.close();
        assertEquals(1, started.size());
        started.getFirst().join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(started.getFirst().isAlive(), "an infinite pipeline's producer must stop on close");
    }
}
