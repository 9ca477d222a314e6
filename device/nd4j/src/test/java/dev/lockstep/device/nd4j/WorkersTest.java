package dev.lockstep.device.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Claim-based parallel parts: each part exactly once, failures surface, nesting runs inline. */
class WorkersTest {
    private static final Workers W = new Workers(3, "test");

    @AfterAll
    static void close() {
        W.close();
    }

    @Test
    void everyPartRunsExactlyOnce() {
        for (int round = 0; round < 2_000; round++) {
            AtomicIntegerArray hits = new AtomicIntegerArray(3);
            W.parallel(3, hits::incrementAndGet);
            assertEquals("[1, 1, 1]", hits.toString(), "round " + round);
        }
    }

    @Test
    void dynamicSlicesCoverTheRangeOnce() {
        int count = 10_007;
        AtomicIntegerArray hits = new AtomicIntegerArray(count);
        W.dynamic(count, 13, (part, from, to) -> {
            for (long i = from; i < to; i++) {
                hits.incrementAndGet((int) i);
            }
        });
        int[] got = new int[count];
        for (int i = 0; i < count; i++) {
            got[i] = hits.get(i);
        }
        int[] ones = new int[count];
        java.util.Arrays.fill(ones, 1);
        assertArrayEquals(ones, got);
    }

    @Test
    void failureInAnyPartIsRethrownAndThreadsStayUsable() {
        for (int bad = 0; bad < 3; bad++) {
            int b = bad;
            var e = assertThrows(IllegalStateException.class, () -> W.parallel(3, p -> {
                if (p == b) {
                    throw new IllegalStateException("part " + p);
                }
            }));
            assertEquals("part " + bad, e.getMessage());
        }
        AtomicIntegerArray hits = new AtomicIntegerArray(3);
        W.parallel(3, hits::incrementAndGet);
        assertEquals("[1, 1, 1]", hits.toString());
    }

    @Test
    void nestedCallRunsInline() {
        AtomicIntegerArray inner = new AtomicIntegerArray(6);
        W.parallel(2, outer -> W.parallel(3, p -> inner.incrementAndGet(outer * 3 + p)));
        assertEquals("[1, 1, 1, 1, 1, 1]", inner.toString());
    }
}
