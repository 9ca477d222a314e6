package dev.lockstep.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.collective.HalvingDoublingSchedule.Step;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HalvingDoublingScheduleTest {
    private static ChunkRange r(long a, long b) {
        return new ChunkRange(a, b);
    }

    @Test
    void worldOfOneHasNoSteps() {
        HalvingDoublingSchedule s = HalvingDoublingSchedule.of(1, 10);
        assertEquals(0, s.steps());
        assertEquals(r(0, 10), s.owned(0));
    }

    @Test
    void worldOfTwo() {
        HalvingDoublingSchedule s = HalvingDoublingSchedule.of(2, 5);
        assertEquals(new Step(1, r(3, 5), r(0, 3), true), s.step(0, 0));
        assertEquals(new Step(1, r(0, 3), r(3, 5), false), s.step(0, 1));
        assertEquals(new Step(0, r(0, 3), r(3, 5), true), s.step(1, 0));
        assertEquals(new Step(0, r(3, 5), r(0, 3), false), s.step(1, 1));
    }

    @Test
    void worldOfFour() {
        HalvingDoublingSchedule s = HalvingDoublingSchedule.of(4, 10);
        assertEquals(List.of(
                        new Step(2, r(5, 10), r(0, 5), true),
                        new Step(1, r(3, 5), r(0, 3), true),
                        new Step(1, r(0, 3), r(3, 5), false),
                        new Step(2, r(0, 5), r(5, 10), false)),
                steps(s, 0));
        assertEquals(List.of(
                        new Step(1, r(0, 5), r(5, 10), true),
                        new Step(2, r(5, 8), r(8, 10), true),
                        new Step(2, r(8, 10), r(5, 8), false),
                        new Step(1, r(5, 10), r(0, 5), false)),
                steps(s, 3));
        assertEquals(List.of(r(0, 3), r(3, 5), r(5, 8), r(8, 10)), owned(s));
    }

    @Test
    void worldOfEightWithFewerElementsThanRanks() {
        HalvingDoublingSchedule s = HalvingDoublingSchedule.of(8, 5);
        assertEquals(6, s.steps());
        List<Integer> partners = new ArrayList<>();
        for (Step st : steps(s, 5)) {
            partners.add(st.partner());
        }
        assertEquals(List.of(1, 7, 4, 4, 7, 1), partners);
        assertEquals(List.of(r(0, 1), r(1, 2), r(2, 3), r(3, 3), r(3, 4), r(4, 4), r(4, 5), r(5, 5)), owned(s));
    }

    @Test
    void emptyBucketHasOnlyEmptyRanges() {
        HalvingDoublingSchedule s = HalvingDoublingSchedule.of(4, 0);
        for (int rank = 0; rank < 4; rank++) {
            for (Step st : steps(s, rank)) {
                assertTrue(st.send().isEmpty() && st.receive().isEmpty());
            }
        }
    }

    @Test
    void rejectsWorldsThatAreNotPowersOfTwo() {
        assertFalse(HalvingDoublingSchedule.supports(3));
        assertFalse(HalvingDoublingSchedule.supports(0));
        assertTrue(HalvingDoublingSchedule.supports(8));
        assertThrows(IllegalArgumentException.class, () -> HalvingDoublingSchedule.of(3, 10));
        assertThrows(IllegalArgumentException.class, () -> HalvingDoublingSchedule.of(6, 10));
        assertThrows(IllegalArgumentException.class, () -> HalvingDoublingSchedule.of(4, 10).step(0, 4));
    }

    /** Partners agree and what one sends is exactly what the other receives, for every N and step. */
    @Test
    void partnersExchangeMatchingRanges() {
        for (int n = 1; n <= 16; n *= 2) {
            for (long e : new long[] {0, 1, 3, n, 2L * n + 1, 1000}) {
                HalvingDoublingSchedule s = HalvingDoublingSchedule.of(n, e);
                for (int t = 0; t < s.steps(); t++) {
                    for (int rank = 0; rank < n; rank++) {
                        Step mine = s.step(rank, t);
                        Step theirs = s.step(mine.partner(), t);
                        assertEquals(rank, theirs.partner());
                        assertEquals(mine.send(), theirs.receive(), "n=" + n + " e=" + e + " t=" + t);
                        assertEquals(t < s.steps() / 2, mine.reduce());
                    }
                }
                long covered = 0;
                for (ChunkRange o : owned(s)) {
                    assertEquals(covered, o.start());
                    covered = o.end();
                }
                assertEquals(e, covered);
            }
        }
    }

    private static List<Step> steps(HalvingDoublingSchedule s, int rank) {
        List<Step> out = new ArrayList<>();
        for (int t = 0; t < s.steps(); t++) {
            out.add(s.step(rank, t));
        }
        return out;
    }

    private static List<ChunkRange> owned(HalvingDoublingSchedule s) {
        List<ChunkRange> out = new ArrayList<>();
        for (int rank = 0; rank < s.worldSize(); rank++) {
            out.add(s.owned(rank));
        }
        return out;
    }
}
