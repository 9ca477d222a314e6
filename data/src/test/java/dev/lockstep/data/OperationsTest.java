package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class OperationsTest {
    private static List<Long> upTo(long n) {
        return LongStream.range(0, n).boxed().toList();
    }

    @Test
    void fromListMapFilterTake() {
        assertEquals(List.of("a", "b"), Drain.all(Dataset.fromList(List.of("a", "b"))));
        assertEquals(List.of(0L, 20L, 40L), Drain.all(Dataset.range(10).filter(x -> x % 2 == 0).map(x -> x * 10).take(3)));
    }

    @Test
    void batchKeepsOrDropsTheRemainder() {
        assertEquals(List.of(List.of(0L, 1L, 2L, 3L), List.of(4L, 5L, 6L, 7L), List.of(8L, 9L)),
                Drain.all(Dataset.range(10).batch(4, false)));
        assertEquals(List.of(List.of(0L, 1L, 2L, 3L), List.of(4L, 5L, 6L, 7L)),
                Drain.all(Dataset.range(10).batch(4, true)));
        assertEquals(List.of(), Drain.all(Dataset.range(3).batch(4, true)));
    }

    @Test
    void repeatReplaysEpochs() {
        List<Long> twice = new ArrayList<>(upTo(3));
        twice.addAll(upTo(3));
        assertEquals(twice, Drain.all(Dataset.range(3).repeat(2)));
        assertEquals(List.of(0L, 1L, 2L, 0L, 1L), Drain.all(Dataset.range(3).repeat().take(5)));
        assertEquals(List.of(), Drain.all(Dataset.range(0).repeat(3)));
    }

    @Test
    void repeatForeverOfAnEmptyEpochIsAnError() {
        var e = assertThrows(IllegalStateException.class, () -> Drain.all(Dataset.range(3).batch(4, true).repeat()));
        assertTrue(e.getMessage().contains("range(3) > batch(4, drop remainder)"), e.getMessage());
    }

    @Test
    void shuffleIsAPermutationThatDependsOnSeedAndEpoch() {
        List<Long> once = Drain.all(Dataset.range(50).shuffle(16, 7));
        assertEquals(new HashSet<>(upTo(50)), new HashSet<>(once));
        assertEquals(50, once.size());
        assertNotEquals(upTo(50), once);
        assertEquals(once, Drain.all(Dataset.range(50).shuffle(16, 7)), "same seed, same order");
        assertNotEquals(once, Drain.all(Dataset.range(50).shuffle(16, 8)), "another seed, another order");

        List<Long> twoEpochs = Drain.all(Dataset.range(50).shuffle(16, 7).repeat(2));
        assertEquals(once, twoEpochs.subList(0, 50));
        assertEquals(new HashSet<>(upTo(50)), new HashSet<>(twoEpochs.subList(50, 100)));
        assertNotEquals(once, twoEpochs.subList(50, 100), "epoch 1 is reshuffled");
    }

    @Test
    void shuffleMixesOnlyWithinBlocks() {
        List<Long> s = Drain.all(Dataset.range(40).shuffle(10, 3));
        for (int block = 0; block < 4; block++) {
            Set<Long> expected = new HashSet<>(upTo(40).subList(block * 10, block * 10 + 10));
            assertEquals(expected, new HashSet<>(s.subList(block * 10, block * 10 + 10)), "block " + block);
        }
        assertEquals(upTo(7), Drain.all(Dataset.range(7).shuffle(1, 3)), "a buffer of one cannot reorder");
    }

    @Test
    void recordShardsAreDisjointAndComplete() {
        for (int n : new int[] {1, 3, 4}) {
            List<Long> union = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                List<Long> shard = Drain.all(Dataset.range(23).shuffle(5, 1).shard(n, i));
                assertEquals((23 - i + n - 1) / n, shard.size(), "shard " + i + "/" + n);
                union.addAll(shard);
            }
            assertEquals(23, union.size(), "disjoint");
            assertEquals(new HashSet<>(upTo(23)), new HashSet<>(union), "complete");
        }
        assertEquals(List.of(1L, 4L, 7L), Drain.all(Dataset.range(9).shard(3, 1)));
        assertThrows(IllegalArgumentException.class, () -> Dataset.range(9).shard(3, 3));
    }

    @Test
    void describeNamesEveryStage() {
        assertEquals("range(9) > shard(3, 1) > shuffle(4, seed=2) > map > batch(2) > repeat > prefetch",
                Dataset.range(9).shard(3, 1).shuffle(4, 2).map(x -> x).batch(2, false).repeat().prefetch(2).describe());
    }

    @Test
    void mapReturningNullIsAnError() {
        assertThrows(NullPointerException.class, () -> Drain.all(Dataset.range(2).map(x -> (String) null)));
    }
}
