package dev.lockstep.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.data.Dataset;
import dev.lockstep.data.Examples;
import dev.lockstep.data.FileSet;
import dev.lockstep.data.TfRecordOptions;
import dev.lockstep.data.TfRecordWriter;
import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.nn.Sequential;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.tensor.HostTensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With prefetch, one corrupt record was warned about twice: trainAndEvaluate opens the training input
 * again at its cursor every round, and the previous round's prefetch thread had already read (and
 * counted) the record the new round reads again. Every StepEvent becomes one warning line, so the
 * events must carry the skip exactly once.
 */
class CorruptRecordWarnedOnceTest {
    @Test
    void oneCorruptRecordIsInExactlyOneStepEventAcrossTrainAndEvaluateRounds(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("train.tfrecord");
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < 5; k++) {
                b.putFloat(i * 0.1f + k);
            }
            records.add(b.array());
        }
        TfRecordWriter.write(file, records);
        long offset = 5 * 36; // record 5: 12 header + 20 data + 4 CRC bytes per record
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset + 12 + 3);
            int v = raf.read();
            raf.seek(offset + 12 + 3);
            raf.write(v ^ 0x40);
        }
        InputFn train = () -> Dataset.fromTfRecords(FileSet.of(file), TfRecordOptions.defaults().skipCorrupt(true))
                .map(r -> {
                    ByteBuffer b = ByteBuffer.wrap(r.data()).order(ByteOrder.LITTLE_ENDIAN);
                    float[] x = {b.getFloat(), b.getFloat(), b.getFloat()};
                    float[] y = {b.getFloat(), b.getFloat()};
                    return Map.of("x", HostTensor.ofFloats(x, 3), "y", HostTensor.ofFloats(y, 2));
                })
                .batch(1, true, Examples::stack).map(m -> Batch.split(m, Set.of("y"))).repeat().prefetch(8);
        InputFn eval = () -> Dataset.fromTensors(Map.of("x", HostTensor.ofFloats(new float[6], 2, 3),
                "y", HostTensor.ofFloats(new float[4], 2, 2))).batch(2, true, Examples::stack)
                .map(m -> Batch.split(m, Set.of("y")));
        List<Listener.StepEvent> events = new ArrayList<>();
        Sequential model = Sequential.of("logits", new Dense(2));
        Head head = new Head.Regression();
        ModelFn fn = (s, f, l, m) -> head.apply(model.call(s, f.get("x")), l.get("y"), m);
        try (Estimator e = Estimator.builder(model, fn, RunConfig.of(dir.resolve("model"), 1)
                        .withCheckpoints(0, Duration.ofDays(1), 1))
                .device(new ReferenceDevice()).listener(new Listener() {
                    @Override
                    public void onStep(StepEvent ev) {
                        events.add(ev);
                    }
                }).build()) {
            e.trainAndEvaluate(train, 12, eval, 1, 2); // six rounds of two steps, each reopening the input
        }
        assertEquals(12, events.size());
        List<Listener.StepEvent> warned = events.stream().filter(ev -> ev.corruptRecordsSkipped() > 0).toList();
        assertEquals(1, warned.size(), "steps that reported a skip: " + warned);
        assertEquals(1, warned.getFirst().corruptRecordsSkipped());
        assertEquals(6, warned.getFirst().step(), "reported with the batch after it (record 6, step 6)");
        assertTrue(warned.getFirst().lastCorruption().contains(file + " at byte offset " + offset),
                warned.getFirst().lastCorruption());
    }
}
