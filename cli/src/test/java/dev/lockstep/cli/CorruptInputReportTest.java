package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.data.Dataset;
import dev.lockstep.data.Examples;
import dev.lockstep.data.FileSet;
import dev.lockstep.data.TfRecordOptions;
import dev.lockstep.data.TfRecordWriter;
import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.estimator.Batch;
import dev.lockstep.estimator.Estimator;
import dev.lockstep.estimator.Head;
import dev.lockstep.estimator.Listener;
import dev.lockstep.estimator.ModelFn;
import dev.lockstep.estimator.RunConfig;
import dev.lockstep.nn.Sequential;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.tensor.HostTensor;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corrupt TFRecord skipped by a job that allows it is data lost: the step that skipped it says how
 * many and where (listener event and a warning line), and Prometheus counts it.
 */
class CorruptInputReportTest {
    @Test
    void skippedCorruptRecordsAreReportedAndCounted(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("train.tfrecord");
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < 5; k++) {
                b.putFloat(i + k * 0.5f);
            }
            records.add(b.array());
        }
        TfRecordWriter.write(file, records);
        // Each record is 12 header + 20 data + 4 CRC bytes: flip a data byte of record 5 (offset 180).
        long offset = 5 * 36;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset + 12 + 3);
            int v = raf.read();
            raf.seek(offset + 12 + 3);
            raf.write(v ^ 0x40);
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Listener.StepEvent> events = new ArrayList<>();
        Sequential model = Sequential.of("logits", new Dense(2));
        Head head = new Head.Regression();
        ModelFn fn = (s, f, l, m) -> head.apply(model.call(s, f.get("x")), l.get("y"), m);
        try (TrainingMetrics metrics = new TrainingMetrics(registry);
             Estimator e = Estimator.builder(model, fn, RunConfig.of(dir.resolve("model"), 1)
                             .withCheckpoints(0, Duration.ofDays(1), 1))
                     .device(new ReferenceDevice()).listener(metrics)
                     .listener(new ProgressReporter(new PrintWriter(new OutputStreamWriter(log, StandardCharsets.UTF_8), true),
                             false, 7, 100))
                     .listener(new Listener() {
                         @Override
                         public void onStep(StepEvent ev) {
                             events.add(ev);
                         }
                     }).build()) {
            e.train(() -> Dataset.fromTfRecords(FileSet.of(file), TfRecordOptions.defaults().skipCorrupt(true))
                    .map(r -> {
                        ByteBuffer b = ByteBuffer.wrap(r.data()).order(ByteOrder.LITTLE_ENDIAN);
                        float[] x = {b.getFloat(), b.getFloat(), b.getFloat()};
                        float[] y = {b.getFloat(), b.getFloat()};
                        return Map.of("x", HostTensor.ofFloats(x, 3), "y", HostTensor.ofFloats(y, 2));
                    })
                    .batch(1, true, Examples::stack).map(m -> Batch.split(m, Set.of("y"))), 7);
        }
        long skipped = events.stream().mapToLong(Listener.StepEvent::corruptRecordsSkipped).sum();
        assertEquals(1, skipped, "one record was corrupt");
        Listener.StepEvent at = events.stream().filter(ev -> ev.corruptRecordsSkipped() > 0).findFirst().orElseThrow();
        assertTrue(at.lastCorruption().contains(file + " at byte offset " + offset), at.lastCorruption());
        events.stream().filter(ev -> ev != at).forEach(ev -> assertEquals(null, ev.lastCorruption()));
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("warning: step " + at.step() + " skipped 1 corrupt input record(s); last: " + file
                + " at byte offset " + offset), text);
        assertTrue(registry.scrape().contains("lockstep_data_corrupt_records_skipped_total 1.0"), registry.scrape());
    }
}
