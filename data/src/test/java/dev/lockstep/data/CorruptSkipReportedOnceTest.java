package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With prefetch, one bad record was warned about twice: the producer counted it when it read ahead, and
 * the next iterator, resumed from the consumer's cursor (every train/evaluate round opens one), read and
 * counted it again. Shuffle's block re-read on resume did the same. Skips are now counted when the
 * consumer passes them, so summed over the iterators of a run each is counted exactly once.
 */
class CorruptSkipReportedOnceTest {
    @TempDir
    Path dir;

    /** Six records of 24 bytes; the data of record 2 (offset 48) is corrupt. */
    private Path withCorruptRecord2() throws IOException {
        Path f = dir.resolve("bad.tfrecord");
        List<byte[]> recs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            recs.add(("record-" + i).getBytes(StandardCharsets.UTF_8));
        }
        TfRecordWriter.write(f, recs);
        TfRecordTest.flip(f, 48 + 12 + 2);
        return f;
    }

    private static List<String> payloads(List<TfRecord> recs) {
        return recs.stream().map(r -> new String(r.data(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void prefetchReadingAheadOfTheCursorCountsTheSkipOnceAcrossAResume() throws Exception {
        Path f = withCorruptRecord2();
        List<Thread> producers = new ArrayList<>();
        ThreadFactory threads = r -> {
            Thread t = Thread.ofPlatform().daemon().unstarted(r);
            producers.add(t);
            return t;
        };
        // Depth 8 holds all six items (five records and the end), so the producer reads the whole file.
        Dataset<TfRecord> d = Dataset.fromTfRecords(FileSet.of(f), TfRecordOptions.defaults().skipCorrupt(true))
                .prefetch(8, threads);
        Cursor c;
        long skipped;
        try (DatasetIterator<TfRecord> it = d.iterator()) {
            assertEquals(List.of("record-0", "record-1"), payloads(Drain.take(it, 2)));
            producers.getFirst().join(10_000); // it has read past the corrupt record
            assertTrue(!producers.getFirst().isAlive(), "producer still running");
            assertEquals(0, it.metrics().corruptRecordsSkipped(), "counted before the consumer passed it");
            assertNull(it.metrics().lastCorruption());
            c = it.cursor();
            skipped = it.metrics().corruptRecordsSkipped();
        }
        try (DatasetIterator<TfRecord> it = d.iterator(c)) {
            assertEquals(List.of("record-3"), payloads(Drain.take(it, 1)));
            assertEquals(1, it.metrics().corruptRecordsSkipped(), "counted with the record after it");
            assertTrue(it.metrics().lastCorruption().contains(f + " at byte offset 48"), it.metrics().lastCorruption());
            assertEquals(List.of("record-4", "record-5"), payloads(Drain.take(it, 100)));
            skipped += it.metrics().corruptRecordsSkipped();
        }
        assertEquals(1, skipped, "one corrupt record, counted once over both iterators");
    }

    @Test
    void shuffleBlockReReadOnResumeCountsTheSkipOnce() throws Exception {
        Path f = withCorruptRecord2();
        Dataset<TfRecord> d = Dataset.fromTfRecords(FileSet.of(f), TfRecordOptions.defaults().skipCorrupt(true))
                .shuffle(4, 7);
        Cursor c;
        long skipped;
        try (DatasetIterator<TfRecord> it = d.iterator()) {
            Drain.take(it, 1); // mid-block: the block (records 0, 1, 3, 4) is re-read on resume
            c = it.cursor();
            skipped = it.metrics().corruptRecordsSkipped();
        }
        try (DatasetIterator<TfRecord> it = d.iterator(c)) {
            assertEquals(3 + 1, Drain.take(it, 100).size());
            skipped += it.metrics().corruptRecordsSkipped();
        }
        assertEquals(1, skipped);
    }

    @Test
    void prefetchedShuffledBatchesCountEachSkipOnceOverManyResumes() throws Exception {
        Path f = withCorruptRecord2();
        Dataset<List<TfRecord>> d = Dataset.fromTfRecords(FileSet.of(f), TfRecordOptions.defaults().skipCorrupt(true))
                .shuffle(3, 1).repeat(3).batch(2, true, List::copyOf).prefetch(4);
        Cursor c = null;
        long skipped = 0;
        int batches = 0;
        for (boolean more = true; more; ) {
            try (DatasetIterator<List<TfRecord>> it = d.iterator(c)) {
                List<List<TfRecord>> got = Drain.take(it, 1);
                more = !got.isEmpty();
                batches += got.size();
                c = it.cursor();
                skipped += it.metrics().corruptRecordsSkipped();
            }
        }
        assertEquals(3 * 5 / 2, batches);
        assertEquals(3, skipped, "once per epoch");
    }
}
