package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under skip-corrupt, a corrupt length field used to drop the rest of the file while reporting one
 * corrupt record; the reader now resynchronises at the next record whose CRCs check out and reports the
 * bytes it skipped, from which offset to which.
 */
class TfRecordLengthResyncTest {
    @TempDir
    Path dir;

    /** Records "record-0" .. "record-(n-1)", each 16 + 8 = 24 bytes. */
    private Path records(String name, int n) {
        Path f = dir.resolve(name);
        List<byte[]> recs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            recs.add(("record-" + i).getBytes(StandardCharsets.UTF_8));
        }
        TfRecordWriter.write(f, recs);
        return f;
    }

    private static List<String> payloads(List<TfRecord> recs) {
        return recs.stream().map(r -> new String(r.data(), StandardCharsets.UTF_8)).toList();
    }

    private static DatasetIterator<TfRecord> skipping(Path... files) {
        return Dataset.fromTfRecords(FileSet.of(files), TfRecordOptions.defaults().skipCorrupt(true)).iterator();
    }

    @Test
    void aFlippedLengthByteSkipsOnlyThatRecordAndReportsItsBytes() throws IOException {
        Path f = records("badlen.tfrecord", 5);
        TfRecordTest.flip(f, 24); // length of record 1
        try (DatasetIterator<TfRecord> it = skipping(f)) {
            List<TfRecord> recs = Drain.take(it, 100);
            assertEquals(List.of("record-0", "record-2", "record-3", "record-4"), payloads(recs));
            assertEquals(List.of(0L, 48L, 72L, 96L), recs.stream().map(TfRecord::offset).toList());
            DataMetrics m = it.metrics();
            assertEquals(1, m.corruptRecordsSkipped());
            assertEquals(24, m.corruptBytesSkipped());
            assertTrue(m.lastCorruption().contains(f + " at byte offset 24: length CRC32C mismatch"), m.lastCorruption());
            assertTrue(m.lastCorruption().contains("resynchronised at the next record with good CRCs, at byte offset 48")
                    && m.lastCorruption().contains("skipped bytes 24 to 48 (24 bytes)"), m.lastCorruption());
        }
    }

    @Test
    void resynchronisesOverGarbageBetweenVariableLengthRecords() throws IOException {
        Path f = dir.resolve("mixed.tfrecord");
        List<byte[]> recs = List.of(new byte[3], "a longer record of forty-one bytes long!!".getBytes(StandardCharsets.UTF_8),
                new byte[0], "tail".getBytes(StandardCharsets.UTF_8));
        TfRecordWriter.write(f, recs);
        byte[] b = Files.readAllBytes(f);
        // Record 1 starts at 19; overwrite its header and the start of its data with garbage.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, 19);
        for (int i = 0; i < 30; i++) {
            out.write(0x5a ^ i);
        }
        out.write(b, 19 + 30, b.length - 19 - 30);
        Files.write(f, out.toByteArray());
        try (DatasetIterator<TfRecord> it = skipping(f)) {
            List<TfRecord> got = Drain.take(it, 100);
            assertEquals(List.of(0L, 19L + 16 + 41, 19L + 16 + 41 + 16), got.stream().map(TfRecord::offset).toList());
            assertEquals("tail", new String(got.get(2).data(), StandardCharsets.UTF_8));
            assertEquals(16 + 41, it.metrics().corruptBytesSkipped());
        }
    }

    @Test
    void aBadLengthInTheLastRecordSkipsTheRestOfTheFileAndSaysSo() throws IOException {
        Path f = records("lastbad.tfrecord", 5);
        TfRecordTest.flip(f, 96 + 2);
        Path next = records("next.tfrecord", 2);
        try (DatasetIterator<TfRecord> it = skipping(f, next)) {
            assertEquals(4 + 2, Drain.take(it, 100).size());
            assertEquals(1, it.metrics().corruptRecordsSkipped());
            assertTrue(it.metrics().lastCorruption().contains("skipped bytes 96 to 120 (24 bytes, the rest of the file)")
                    && it.metrics().lastCorruption().contains("no record with good CRCs after it"),
                    it.metrics().lastCorruption());
        }
    }

    @Test
    void theScanIsBoundedToItsWindow() throws IOException {
        Path f = dir.resolve("gap.tfrecord");
        byte[] garbage = new byte[1000];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 31 + 7);
        }
        Path rec = records("one.tfrecord", 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(garbage);
        out.write(Files.readAllBytes(rec));
        Files.write(f, out.toByteArray());
        try (FileChannel ch = FileChannel.open(f)) {
            long size = Files.size(f);
            assertEquals(1000, TfRecordResync.find(ch, 1, size, 2000));
            assertEquals(1000, TfRecordResync.find(ch, 1, size, 1000));
            assertEquals(-1, TfRecordResync.find(ch, 1, size, 999));
        }
    }

    @Test
    void resumingAfterAResyncContinuesAtTheRecordAfterIt() throws IOException {
        Path f = records("resume.tfrecord", 5);
        TfRecordTest.flip(f, 24 + 3);
        Dataset<TfRecord> d = Dataset.fromTfRecords(FileSet.of(f), TfRecordOptions.defaults().skipCorrupt(true));
        Cursor c;
        try (DatasetIterator<TfRecord> it = d.iterator()) {
            assertEquals(List.of("record-0", "record-2"), payloads(Drain.take(it, 2)));
            c = it.cursor();
        }
        try (DatasetIterator<TfRecord> it = d.iterator(c)) {
            assertEquals(List.of("record-3", "record-4"), payloads(Drain.take(it, 100)));
            assertEquals(0, it.metrics().corruptRecordsSkipped());
        }
    }

    @Test
    void withoutSkipCorruptTheErrorNamesTheYamlKeyAndTheJavaOption() throws IOException {
        Path f = records("strict.tfrecord", 3);
        TfRecordTest.flip(f, 24);
        var e = assertThrows(CorruptRecordException.class, () -> Drain.all(Dataset.fromTfRecords(FileSet.of(f))));
        assertTrue(e.getMessage().contains("skip_corrupt: true") && e.getMessage().contains("tfrecord data source")
                && e.getMessage().contains("TfRecordOptions.skipCorrupt(true)"), e.getMessage());
    }
}
