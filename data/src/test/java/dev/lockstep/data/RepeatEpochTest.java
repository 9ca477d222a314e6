package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 9 item 12: the checkpoint manifest's epoch was always 0; the iterator now tells the repeat's epoch. */
class RepeatEpochTest {
    @Test
    void theEpochIsThePassesTheOutermostRepeatHasCompletedAndSurvivesAResume() {
        Dataset<List<Long>> data = Dataset.range(6).shuffle(4, 1).batch(2, true).repeat().prefetch(2);
        long[] expected = {0, 0, 0, 1, 1, 1, 2};
        try (DatasetIterator<List<Long>> it = data.iterator()) {
            assertEquals(0, it.epoch());
            Cursor at4 = null;
            for (int i = 0; i < expected.length; i++) {
                it.next();
                assertEquals(expected[i], it.epoch(), "after batch " + (i + 1));
                if (i == 3) {
                    at4 = it.cursor();
                }
            }
            try (DatasetIterator<List<Long>> resumed = data.iterator(at4)) {
                assertEquals(1, resumed.epoch());
            }
        }
        try (DatasetIterator<Long> plain = Dataset.range(3).iterator()) {
            plain.next();
            assertEquals(0, plain.epoch(), "no repeat: always 0");
        }
    }
}
