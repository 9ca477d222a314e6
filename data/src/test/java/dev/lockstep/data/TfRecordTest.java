package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfRecordTest {
    @TempDir
    Path dir;

    /** Five records "record-0" .. "record-4" of lengths 8; each takes 16 + 8 = 24 bytes. */
    private Path fiveRecords(String name) {
        Path f = dir.resolve(name);
        List<byte[]> recs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            recs.add(("record-" + i).getBytes(StandardCharsets.UTF_8));
        }
        TfRecordWriter.write(f, recs);
        return f;
    }

    private static List<String> payloads(List<TfRecord> recs) {
        return recs.stream().map(r -> new String(r.data(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void framingMatchesTheSpecByteForByte() throws IOException {
        Path f = dir.resolve("one.tfrecord");
        TfRecordWriter.write(f, List.of("abc".getBytes(StandardCharsets.UTF_8)));
        byte[] b = Files.readAllBytes(f);
        assertEquals(8 + 4 + 3 + 4, b.length);
        assertArrayEquals(new byte[] {3, 0, 0, 0, 0, 0, 0, 0}, Arrays.copyOf(b, 8), "uint64 little-endian length");
        assertEquals(masked(Arrays.copyOf(b, 8)), le32(b, 8));
        assertArrayEquals("abc".getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(b, 12, 15));
        assertEquals(masked("abc".getBytes(StandardCharsets.UTF_8)), le32(b, 15));
    }

    @Test
    void crc32cIsTheCastagnoliPolynomial() {
        CRC32C c = new CRC32C();
        c.update("123456789".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0xE3069283L, c.getValue(), "the standard CRC-32C check value");
    }

    /** The masking rule as TensorFlow's crc32c.h states it, computed independently of the writer. */
    private static int masked(byte[] data) {
        CRC32C c = new CRC32C();
        c.update(data);
        long crc = c.getValue();
        return (int) ((((crc >>> 15) | (crc << 17)) + 0xa282ead8L) & 0xffffffffL);
    }

    private static int le32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    @Test
    void readsRecordsWithFileAndOffset() {
        Path f = fiveRecords("a.tfrecord");
        List<TfRecord> recs = Drain.all(Dataset.fromTfRecords(FileSet.of(f)));
        assertEquals(List.of("record-0", "record-1", "record-2", "record-3", "record-4"), payloads(recs));
        assertEquals(List.of(0L, 24L, 48L, 72L, 96L), recs.stream().map(TfRecord::offset).toList());
        assertEquals(f, recs.get(3).file());
    }

    @Test
    void aFlippedDataByteIsAnErrorNamingFileAndOffset() throws IOException {
        Path f = fiveRecords("bad.tfrecord");
        flip(f, 48 + 12 + 2); // inside the data of record 2
        var e = assertThrows(CorruptRecordException.class, () -> Drain.all(Dataset.fromTfRecords(FileSet.of(f))));
        assertEquals(f, e.file());
        assertEquals(48, e.offset());
        assertTrue(e.getMessage().contains(f + " at byte offset 48") && e.getMessage().contains("data CRC32C"),
                e.getMessage());
    }

    @Test
    void aFlippedLengthByteIsAnError() throws IOException {
        Path f = fiveRecords("badlen.tfrecord");
        flip(f, 24); // length of record 1
        var e = assertThrows(CorruptRecordException.class, () -> Drain.all(Dataset.fromTfRecords(FileSet.of(f))));
        assertEquals(24, e.offset());
        assertTrue(e.getMessage().contains("length CRC32C"), e.getMessage());
    }

    @Test
    void aTruncatedFileIsAnError() throws IOException {
        Path f = fiveRecords("short.tfrecord");
        truncate(f, 96 + 10); // record 4 loses part of its data
        var e = assertThrows(CorruptRecordException.class, () -> Drain.all(Dataset.fromTfRecords(FileSet.of(f))));
        assertEquals(96, e.offset());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        truncate(f, 96 + 5); // now inside the header
        e = assertThrows(CorruptRecordException.class, () -> Drain.all(Dataset.fromTfRecords(FileSet.of(f))));
        assertTrue(e.getMessage().contains("truncated record header"), e.getMessage());
    }

    @Test
    void skipModeSkipsAndCountsCorruptRecords() throws IOException {
        Path bad = fiveRecords("a-bad.tfrecord");
        flip(bad, 48 + 12 + 2);
        Path cut = fiveRecords("b-cut.tfrecord");
        truncate(cut, 72 + 20);
        Path good = fiveRecords("c-good.tfrecord");
        try (DatasetIterator<TfRecord> it = Dataset.fromTfRecords(FileSet.of(bad, cut, good), TfRecordOptions.defaults().skipCorrupt(true)).iterator()) {
            List<TfRecord> recs = Drain.take(it, 100);
            assertEquals(4 + 3 + 5, recs.size());
            assertEquals(List.of("record-0", "record-1", "record-3", "record-4"), payloads(recs.subList(0, 4)));
            assertEquals(List.of("record-0", "record-1", "record-2"), payloads(recs.subList(4, 7)));
            assertEquals(2, it.metrics().corruptRecordsSkipped());
            assertTrue(it.metrics().lastCorruption().contains(cut + " at byte offset 72"), it.metrics().lastCorruption());
        }
    }

    @Test
    void resumesMidFileAcrossFilesWithShuffleAndBatch() {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            files.add(fiveRecords("part-" + i + ".tfrecord"));
        }
        Dataset<List<String>> d = Dataset.fromTfRecords(FileSet.of(dir + "/part-*.tfrecord"))
                .map(r -> r.file().getFileName() + ":" + new String(r.data(), StandardCharsets.UTF_8))
                .shuffle(4, 11).batch(2, false).repeat().prefetch(2);
        ResumeTest.assertResumesExactly(d, 20, new int[] {0, 1, 3, 7, 8, 9, 15}, c -> Cursor.fromBytes(c.toBytes()));
    }

    @Test
    void interleavesFilesAndShufflesTheirOrderPerEpoch() {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            files.add(fiveRecords("f" + i + ".tfrecord"));
        }
        files.add(dir.resolve("f3.tfrecord"));
        TfRecordWriter.write(files.get(3), List.of("only".getBytes(StandardCharsets.UTF_8)));
        FileSet set = FileSet.of(files.toArray(Path[]::new));
        List<String> got = Drain.all(Dataset.fromTfRecords(set, TfRecordOptions.defaults().interleave(2))
                .map(r -> r.file().getFileName() + ":" + new String(r.data(), StandardCharsets.UTF_8).substring(0, 4)
                        + (r.data().length > 4 ? r.data()[7] - '0' : "")));
        // f0 and f1 alternate; f1 ends after f0 (same length) so f2 and f3 take the slots in that order
        assertEquals(List.of("f0.tfrecord:reco0", "f1.tfrecord:reco0", "f0.tfrecord:reco1", "f1.tfrecord:reco1",
                "f0.tfrecord:reco2", "f1.tfrecord:reco2", "f0.tfrecord:reco3", "f1.tfrecord:reco3",
                "f0.tfrecord:reco4", "f1.tfrecord:reco4", "f2.tfrecord:reco0", "f3.tfrecord:only",
                "f2.tfrecord:reco1", "f2.tfrecord:reco2", "f2.tfrecord:reco3", "f2.tfrecord:reco4"), got);

        Dataset<String> shuffled = Dataset.fromTfRecords(set, TfRecordOptions.defaults().shuffleFiles(3))
                .map(r -> r.file().getFileName().toString()).repeat(4);
        List<String> firstOfFile = new ArrayList<>();
        List<String> all = Drain.all(shuffled);
        assertEquals(4 * 16, all.size());
        for (int epoch = 0; epoch < 4; epoch++) {
            List<String> e = all.subList(epoch * 16, epoch * 16 + 16);
            firstOfFile.add(String.join(",", new java.util.LinkedHashSet<>(e)));
            assertEquals(4, new java.util.HashSet<>(e).size(), "every file once per epoch");
        }
        assertTrue(new java.util.HashSet<>(firstOfFile).size() > 1, "file order changes across epochs: " + firstOfFile);
    }

    @Test
    void interleavedShuffledFilesResumeExactly() {
        for (int i = 0; i < 4; i++) {
            fiveRecords("g" + i + ".tfrecord");
        }
        Dataset<String> d = Dataset.fromTfRecords(FileSet.of(dir + "/g*.tfrecord"),
                TfRecordOptions.defaults().interleave(3).shuffleFiles(8))
                .map(r -> r.file().getFileName() + "@" + r.offset()).shuffle(3, 1).repeat();
        int[] every = java.util.stream.IntStream.range(0, 45).toArray();
        ResumeTest.assertResumesExactly(d, 44, every, c -> Cursor.fromMap(c.toMap()));
    }

    @Test
    void fileSetsGlobSortAndShardByFile() throws IOException {
        for (String n : new String[] {"s-2", "s-0", "s-3", "s-1", "other"}) {
            Files.writeString(dir.resolve(n), "");
        }
        FileSet all = FileSet.of(dir + "/s-*");
        assertEquals(List.of("s-0", "s-1", "s-2", "s-3"), all.files().stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(5, FileSet.of(dir.toString()).files().size(), "a directory lists all its files");
        assertEquals(List.of(dir.resolve("s-1"), dir.resolve("s-3")), all.shard(2, 1).files());
        List<Path> union = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            union.addAll(all.shard(3, i).files());
        }
        assertEquals(all.files().size(), union.size());
        assertEquals(new java.util.HashSet<>(all.files()), new java.util.HashSet<>(union));
        var e = assertThrows(IllegalArgumentException.class, () -> all.shard(5, 0));
        assertTrue(e.getMessage().contains("4 files for 5 workers"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FileSet.of(dir + "/none-*"));
        assertTrue(e.getMessage().contains("none-*"), e.getMessage());
    }

    static void flip(Path f, int at) throws IOException {
        byte[] b = Files.readAllBytes(f);
        b[at] ^= 0x10;
        Files.write(f, b);
    }

    static void truncate(Path f, int size) throws IOException {
        Files.write(f, Arrays.copyOf(Files.readAllBytes(f), size));
    }
}
