package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Iterate k, save the cursor, resume from it: the concatenation must equal an uninterrupted run. */
class ResumeTest {
    static <T> void assertResumesExactly(Dataset<T> d, int total, int[] stops, UnaryOperator<Cursor> persist) {
        List<T> straight;
        try (DatasetIterator<T> it = d.iterator()) {
            straight = Drain.take(it, total);
        }
        assertEquals(total, straight.size(), "the test pipeline must yield " + total + " elements");
        for (int k : stops) {
            List<T> joined = new ArrayList<>();
            Cursor c;
            try (DatasetIterator<T> it = d.iterator()) {
                joined.addAll(Drain.take(it, k));
                c = persist.apply(it.cursor());
            }
            try (DatasetIterator<T> it = d.iterator(c)) {
                joined.addAll(Drain.take(it, total - k));
            }
            assertEquals(straight, joined, "resumed after " + k + " elements of " + d.describe());
        }
    }

    private static final int[] STOPS = {0, 1, 2, 5, 9, 13, 17, 22, 29};

    @Test
    void shardedShuffledBatchedAcrossEpochBoundaries() {
        // 100 records, shard 1 of 3 -> 33 per epoch, batches of 4 -> 9 per epoch: stops cross epochs 0..3
        Dataset<List<Long>> d = Dataset.range(100).shard(3, 1).shuffle(7, 42).batch(4, false).repeat();
        assertResumesExactly(d, 30, STOPS, c -> c);
        assertResumesExactly(d, 30, STOPS, c -> Cursor.fromMap(c.toMap()));
        assertResumesExactly(d, 30, STOPS, c -> Cursor.fromBytes(c.toBytes()));
    }

    @Test
    void elementLevelStopsInsideShuffleBlocks() {
        Dataset<Long> d = Dataset.range(20).shuffle(6, 9).repeat(3);
        int[] every = new int[61];
        for (int i = 0; i < every.length; i++) {
            every[i] = i;
        }
        assertResumesExactly(d, 60, every, c -> Cursor.fromBytes(c.toBytes()));
    }

    @Test
    void nestedShufflesAndDropRemainder() {
        Dataset<List<Long>> d = Dataset.range(50).shuffle(8, 1).map(x -> x * 3).shuffle(5, 2).batch(3, true).repeat();
        assertResumesExactly(d, 40, STOPS, c -> c);
    }

    @Test
    void withPrefetch() {
        Dataset<List<Long>> d = Dataset.range(100).shard(3, 1).shuffle(7, 42).batch(4, false).repeat().prefetch(3);
        assertResumesExactly(d, 30, STOPS, c -> Cursor.fromMap(c.toMap()));
        Dataset<Long> inner = Dataset.range(30).prefetch(2).shuffle(4, 5).prefetch(1).repeat(2);
        assertResumesExactly(inner, 60, new int[] {0, 3, 29, 30, 31, 59}, c -> c);
    }

    @Test
    void afterTheEndTheCursorResumesToNothing() {
        Dataset<Long> d = Dataset.range(5).shuffle(2, 1).repeat(2);
        try (DatasetIterator<Long> it = d.iterator()) {
            assertEquals(10, Drain.take(it, 100).size());
            try (DatasetIterator<Long> rest = d.iterator(it.cursor())) {
                assertEquals(List.of(), Drain.take(rest, 100));
            }
        }
    }

    @Test
    void hasNextDoesNotMoveTheCursor() {
        Dataset<Long> d = Dataset.range(10).shuffle(4, 3);
        try (DatasetIterator<Long> it = d.iterator()) {
            it.next();
            Cursor before = it.cursor();
            assertTrue(it.hasNext());
            assertEquals(before, it.cursor());
            Long peeked = it.next();
            try (DatasetIterator<Long> again = d.iterator(before)) {
                assertEquals(peeked, again.next());
            }
        }
    }

    @Test
    void aCursorOfAnotherPipelineIsRefused() {
        Cursor c;
        try (DatasetIterator<List<Long>> it = Dataset.range(10).batch(2, false).iterator()) {
            it.next();
            c = it.cursor();
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Dataset.range(10).batch(3, false).iterator(c));
        assertTrue(e.getMessage().contains("range(10) > batch(2)") && e.getMessage().contains("range(10) > batch(3)"),
                e.getMessage());
    }
}
