package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The share of a global batch among replicas: a pure function of (global batch, world size). */
class BatchShareTest {
    record Row(int batch, int world, int pieceSize, List<Integer> runs) {}

    @Test
    void table() {
        List<Row> rows = List.of(
                new Row(256, 1, 256, List.of(1)),
                new Row(256, 2, 128, List.of(1, 1)),
                new Row(256, 4, 64, List.of(1, 1, 1, 1)),
                new Row(256, 3, 32, List.of(2, 3, 3)),
                new Row(32, 3, 4, List.of(2, 3, 3)),
                new Row(10, 4, 2, List.of(1, 1, 1, 2)),
                new Row(7, 3, 1, List.of(2, 2, 3)),
                new Row(3, 3, 1, List.of(1, 1, 1)),
                new Row(12, 5, 1, List.of(2, 2, 3, 2, 3)));
        for (Row r : rows) {
            BatchShare s = BatchShare.of(r.batch(), r.world());
            assertEquals(r.pieceSize(), s.pieceSize(), r.toString());
            List<Integer> runs = IntStream.range(0, r.world()).map(s::pieceCount).boxed().toList();
            assertEquals(r.runs(), runs, r.toString());
            assertEquals(r.world() == r.runs().size() && r.runs().stream().allMatch(c -> c == 1), s.even(), r.toString());
        }
    }

    @Test
    void everyExampleOfTheGlobalBatchIsTakenOnceInOrder() {
        for (int batch = 1; batch <= 64; batch++) {
            for (int world = 1; world <= Math.min(batch, 9); world++) {
                BatchShare s = BatchShare.of(batch, world);
                List<Integer> seen = new ArrayList<>();
                for (int r = 0; r < world; r++) {
                    assertTrue(s.pieceCount(r) >= 1, s + " rank " + r);
                    for (int j = 0; j < s.pieceCount(r); j++) {
                        for (int e = 0; e < s.pieceSize(); e++) {
                            seen.add(s.firstExample(r, j) + e);
                        }
                    }
                }
                assertEquals(IntStream.range(0, batch).boxed().toList(), seen, s.toString());
                int largest = IntStream.range(0, world).map(r -> s.pieceCount(r) * s.pieceSize()).max().orElseThrow();
                assertTrue(largest <= Math.max(Math.ceil(1.25 * batch / world), Math.ceil((double) batch / world)),
                        s + ": a run of " + largest);
            }
        }
    }

    @Test
    void describesTheShareNamingTheSizes() {
        assertEquals("the global batch of 256 does not divide over 3 workers: 8 micro-batches of 32 examples, "
                + "2, 3, 3 per worker", BatchShare.of(256, 3).describe());
        assertEquals("the global batch of 256 over 2 workers: 128 examples each", BatchShare.of(256, 2).describe());
    }

    @Test
    void moreWorkersThanExamplesIsAnErrorNamingBoth() {
        var e = assertThrows(IllegalArgumentException.class, () -> BatchShare.of(4, 5));
        assertEquals("a global batch of 4 examples cannot be shared by 5 workers (each needs at least one example)",
                e.getMessage());
    }

    @Test
    void theRanksRunsOfAGlobalBatchAreItsElementsInOrder() {
        BatchShare s = BatchShare.of(10, 4);
        List<Long> all = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            List<List<Long>> got = Drain.all(Dataset.range(20).globalBatchShare(s, r));
            assertEquals(2, got.size());
            assertEquals(s.pieceCount(r) * s.pieceSize(), got.get(1).size());
            all.addAll(got.get(0));
        }
        assertEquals(IntStream.range(0, 10).mapToObj(i -> (long) i).toList(), all);
    }
}
