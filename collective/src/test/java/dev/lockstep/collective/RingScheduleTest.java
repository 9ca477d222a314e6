package dev.lockstep.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingScheduleTest {
    /** Rows: {send chunk, receive chunk} per step, for one rank. */
    private static void assertSteps(RingSchedule s, int rank, int[][] expected) {
        assertEquals(expected.length, s.steps(), "steps");
        for (int t = 0; t < expected.length; t++) {
            assertArrayEquals(expected[t], new int[] {s.sendChunk(rank, t), s.receiveChunk(rank, t)},
                    "rank " + rank + " step " + t);
        }
    }

    @Test
    void worldOfOneHasNoSteps() {
        RingSchedule s = RingSchedule.of(1, 10);
        assertEquals(0, s.steps());
        assertEquals(new ChunkRange(0, 10), s.chunk(0));
        assertEquals(0, s.sendTo(0));
        assertArrayEquals(new int[] {0}, s.summationOrder(0));
    }

    @Test
    void worldOfTwo() {
        RingSchedule s = RingSchedule.of(2, 5);
        assertEquals(new ChunkRange(0, 3), s.chunk(0));
        assertEquals(new ChunkRange(3, 5), s.chunk(1));
        assertSteps(s, 0, new int[][] {{0, 1}, {1, 0}});
        assertSteps(s, 1, new int[][] {{1, 0}, {0, 1}});
        assertEquals(true, s.reduces(0));
        assertEquals(false, s.reduces(1));
    }

    @Test
    void worldOfThree() {
        RingSchedule s = RingSchedule.of(3, 10);
        assertEquals(List.of(new ChunkRange(0, 4), new ChunkRange(4, 7), new ChunkRange(7, 10)),
                List.of(s.chunk(0), s.chunk(1), s.chunk(2)));
        assertSteps(s, 0, new int[][] {{0, 2}, {2, 1}, {1, 0}, {0, 2}});
        assertSteps(s, 1, new int[][] {{1, 0}, {0, 2}, {2, 1}, {1, 0}});
        assertSteps(s, 2, new int[][] {{2, 1}, {1, 0}, {0, 2}, {2, 1}});
        assertEquals(1, s.sendTo(0));
        assertEquals(2, s.receiveFrom(0));
        assertArrayEquals(new int[] {1, 2, 0}, s.summationOrder(1));
    }

    @Test
    void worldOfFour() {
        RingSchedule s = RingSchedule.of(4, 2);
        assertEquals(List.of(new ChunkRange(0, 1), new ChunkRange(1, 2), new ChunkRange(2, 2), new ChunkRange(2, 2)),
                List.of(s.chunk(0), s.chunk(1), s.chunk(2), s.chunk(3)));
        assertSteps(s, 0, new int[][] {{0, 3}, {3, 2}, {2, 1}, {1, 0}, {0, 3}, {3, 2}});
        assertSteps(s, 3, new int[][] {{3, 2}, {2, 1}, {1, 0}, {0, 3}, {3, 2}, {2, 1}});
        assertArrayEquals(new int[] {3, 0, 1, 2}, s.summationOrder(3));
    }

    @Test
    void worldOfFive() {
        RingSchedule s = RingSchedule.of(5, 0);
        for (int c = 0; c < 5; c++) {
            assertEquals(new ChunkRange(0, 0), s.chunk(c));
        }
        assertSteps(s, 2, new int[][] {{2, 1}, {1, 0}, {0, 4}, {4, 3}, {3, 2}, {2, 1}, {1, 0}, {0, 4}});
        assertEquals(3, s.sendTo(2));
        assertEquals(0, s.sendTo(4));
        assertEquals(4, s.receiveFrom(0));
    }

    @Test
    void worldOfEight() {
        RingSchedule s = RingSchedule.of(8, 7);
        assertEquals(14, s.steps());
        assertEquals(new ChunkRange(6, 7), s.chunk(6));
        assertEquals(new ChunkRange(7, 7), s.chunk(7));
        assertEquals(5, s.sendChunk(0, 3));
        assertEquals(4, s.receiveChunk(0, 3));
        assertEquals(true, s.reduces(6));
        assertEquals(false, s.reduces(7));
        assertArrayEquals(new int[] {6, 7, 0, 1, 2, 3, 4, 5}, s.summationOrder(6));
    }

    /**
     * Runs the schedule on symbols: each rank's value for each chunk is the list of ranks summed into it,
     * in order. Every rank must end with every chunk summed in the chunk's documented order.
     */
    @Test
    void symbolicRunSumsEachChunkInItsDocumentedOrderOnEveryRank() {
        for (int n = 1; n <= 8; n++) {
            RingSchedule s = RingSchedule.of(n, 100);
            List<List<List<Integer>>> held = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                List<List<Integer>> chunks = new ArrayList<>();
                for (int c = 0; c < n; c++) {
                    chunks.add(List.of(r));
                }
                held.add(chunks);
            }
            for (int t = 0; t < s.steps(); t++) {
                List<List<Integer>> inFlight = new ArrayList<>();
                for (int r = 0; r < n; r++) {
                    inFlight.add(held.get(r).get(s.sendChunk(r, t)));
                }
                for (int r = 0; r < n; r++) {
                    int from = s.receiveFrom(r);
                    assertEquals(s.sendChunk(from, t), s.receiveChunk(r, t), "n=" + n + " t=" + t + " r=" + r);
                    int c = s.receiveChunk(r, t);
                    List<Integer> got = inFlight.get(from);
                    if (s.reduces(t)) {
                        List<Integer> sum = new ArrayList<>(got);
                        sum.addAll(held.get(r).get(c));
                        got = sum;
                    }
                    held.get(r).set(c, got);
                }
            }
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    assertEquals(toList(s.summationOrder(c)), held.get(r).get(c), "n=" + n + " rank " + r + " chunk " + c);
                }
            }
        }
    }

    private static List<Integer> toList(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int v : a) {
            l.add(v);
        }
        return l;
    }

    @Test
    void rejectsOutOfRange() {
        RingSchedule s = RingSchedule.of(3, 10);
        assertThrows(IllegalArgumentException.class, () -> s.sendChunk(3, 0));
        assertThrows(IllegalArgumentException.class, () -> s.sendChunk(0, 4));
        assertThrows(IllegalArgumentException.class, () -> s.chunk(3));
        assertThrows(IllegalArgumentException.class, () -> RingSchedule.of(0, 10));
    }
}
