package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline of the package documentation, end to end: TFRecords of Examples to named batches, resumed. */
class RunnerUsageTest {
    @TempDir
    Path dir;

    private Dataset<Map<String, HostTensor>> pipeline(int world, int rank) {
        ExampleParser parser = new ExampleParser().feature("x", DType.F32, 3).feature("label", DType.I32);
        return Dataset.fromTfRecords(FileSet.of(dir + "/train-*.tfrecord"),
                        TfRecordOptions.defaults().interleave(2).shuffleFiles(7))
                .shuffle(16, 7)
                .globalBatchSlice(8, world, rank)
                .map(b -> Examples.stack(b.stream().map(parser::parse).toList()))
                .repeat()
                .prefetch(2);
    }

    @Test
    void writesParsesBatchesAndResumesPerRank() {
        List<Map<String, HostTensor>> blobs = Drain.all(Synthetic.gaussianBlobs(45, 3, 3, 0.5, 1));
        for (int shard = 0; shard < 3; shard++) {
            List<byte[]> recs = new ArrayList<>();
            for (int i = shard; i < blobs.size(); i += 3) {
                recs.add(Examples.toProto(blobs.get(i)).toByteArray());
            }
            TfRecordWriter.write(dir.resolve("train-" + shard + ".tfrecord"), recs);
        }
        List<Map<String, HostTensor>> one;
        try (DatasetIterator<Map<String, HostTensor>> it = pipeline(1, 0).iterator()) {
            one = Drain.take(it, 12); // 5 global batches per epoch: crosses two epoch boundaries
        }
        assertEquals("f32[8, 3]", one.getFirst().get("x").type().toString());
        assertEquals("i32[8]", one.getFirst().get("label").type().toString());

        for (int rank = 0; rank < 2; rank++) {
            Dataset<Map<String, HostTensor>> mine = pipeline(2, rank);
            List<Map<String, HostTensor>> got = new ArrayList<>();
            Map<String, Object> saved;
            try (DatasetIterator<Map<String, HostTensor>> it = mine.iterator()) {
                got.addAll(Drain.take(it, 7));
                saved = it.cursor().toMap();
            }
            try (DatasetIterator<Map<String, HostTensor>> it = mine.iterator(Cursor.fromMap(saved))) {
                got.addAll(Drain.take(it, 5));
            }
            for (int step = 0; step < 12; step++) {
                String expectedX = sliceRows(one.get(step).get("x"), rank * 4, 4);
                assertEquals(expectedX, java.util.Arrays.toString(got.get(step).get("x").toDoubles()),
                        "rank " + rank + " step " + step + ": rows " + rank * 4 + ".. of the one-worker batch");
            }
        }
    }

    private static String sliceRows(HostTensor t, int from, int rows) {
        int width = t.size() / t.shape().dim(0);
        return java.util.Arrays.toString(java.util.Arrays.copyOfRange(t.toDoubles(), from * width, (from + rows) * width));
    }
}
