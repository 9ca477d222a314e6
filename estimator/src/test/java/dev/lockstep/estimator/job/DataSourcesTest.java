package dev.lockstep.estimator.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.data.DatasetIterator;
import dev.lockstep.data.Examples;
import dev.lockstep.data.TfRecordWriter;
import dev.lockstep.estimator.Batch;
import dev.lockstep.estimator.InputFn;
import dev.lockstep.job.JobSpec;
import dev.lockstep.job.SpecException;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each data source, built from a spec, produces batches of the right names, types and values. */
class DataSourcesTest {
    @TempDir
    Path dir;

    /**
     * A job whose model is a small stack on {@code input} that fits the head (building traces the model, so
     * logits must match the head): flatten and dense logits for classification, an embedding for sequences.
     */
    Job job(String data, String input, String head, String trainExtra) {
        java.util.regex.Matcher n = java.util.regex.Pattern.compile("(classes|vocabulary): (\\d+)").matcher(head);
        String layers = !n.find() ? "[{dense: {units: 1}}]"
                : n.group(1).equals("classes") ? "[flatten, {dense: {units: " + n.group(2) + "}}]"
                : "[{embedding: {vocabulary: " + n.group(2) + ", dim: 2}}, {dense: {units: " + n.group(2) + "}}]";
        String yaml = "model: {input: " + input + ", layers: " + layers + "}\n"
                + "head: " + head + "\n"
                + "train:\n  data: " + data + "\n  batch_size: 2\n" + trainExtra
                + "eval:\n  data: " + data + "\n  batch_size: 3\n"
                + "checkpoints: {dir: runs}\n";
        return JobBuilder.build(JobSpec.parse(yaml, dir));
    }

    static Batch first(InputFn input) {
        try (DatasetIterator<Batch> it = input.dataset().iterator()) {
            return it.next();
        }
    }

    static List<Batch> all(InputFn input) {
        List<Batch> out = new ArrayList<>();
        try (DatasetIterator<Batch> it = input.dataset().iterator()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void syntheticBlobsLinearAndSequences() {
        Batch blobs = first(job("{synthetic: {blobs: {count: 10, classes: 3, dim: 4}}}", "x",
                "{classification: {classes: 3}}", "  steps: 1\n").train());
        assertEquals(TensorType.of(DType.F32, 2, 4), blobs.features().get("x").type());
        assertEquals(TensorType.of(DType.I32, 2), blobs.labels().get("label").type());

        Batch linear = first(job("{synthetic: {linear: {count: 10, dim: 3}}}", "x", "{regression: {}}", "  steps: 1\n")
                .train());
        assertEquals(TensorType.of(DType.F32, 2, 1), linear.labels().get("y").type());

        Job seq = job("{synthetic: {sequence_reverse: {count: 10, length: 5, vocabulary: 9}}}", "source",
                "{sequence: {vocabulary: 9}}", "  steps: 1\n");
        Batch b = first(seq.train());
        assertEquals(Map.of("source", TensorType.of(DType.I32, 2, 5), "target_in", TensorType.of(DType.I32, 2, 5)),
                Map.of("source", b.features().get("source").type(), "target_in", b.features().get("target_in").type()));
        int[] src = (int[]) b.features().get("source").array(), out = (int[]) b.labels().get("target_out").array();
        int[] in = (int[]) b.features().get("target_in").array();
        for (int t = 0; t < 5; t++) {
            assertEquals(src[4 - t], out[t], "target_out reverses source");
        }
        assertEquals(1, in[0], "target_in starts with the begin token");
        assertEquals(out[0], in[1], "then follows target_out shifted right");
    }

    @Test
    void splitsOfOneSyntheticSourceAreDisjointAndComplete() {
        String spec = "{synthetic: {blobs: {count: 9, classes: 2, dim: 2, split: [3, %d]}}}";
        List<float[]> seen = new ArrayList<>();
        for (int part = 0; part < 3; part++) {
            Job j = job(String.format(spec, part), "x", "{classification: {classes: 2}}", "  steps: 1\n");
            for (Batch b : all(j.eval().orElseThrow())) {
                float[] x = (float[]) b.features().get("x").array();
                for (int i = 0; i < b.size(); i++) {
                    seen.add(new float[] {x[2 * i], x[2 * i + 1]});
                }
            }
        }
        assertEquals(9, seen.size());
        assertEquals(9, seen.stream().map(java.util.Arrays::toString).distinct().count());
    }

    @Test
    void csvColumnsGroupedIntoAFeatureVector() throws IOException {
        Files.writeString(dir.resolve("rows.csv"), "a,b,c,label\n1,2,3,0\n4,5,6,1\n7,8,9,1\n10,11,12,0\n");
        String data = "{csv: {files: rows.csv, columns: [{name: a, type: f32}, {name: b, type: f32}, "
                + "{name: c, type: f32}, {name: label, type: i32}], features: {x: [c, a]}}}";
        Job j = job(data, "x", "{classification: {classes: 2}}", "  epochs: 3\n");
        Batch b = first(j.train());
        assertEquals(TensorType.of(DType.F32, 2, 2), b.features().get("x").type());
        assertArrayEquals(new float[] {3, 1, 6, 4}, (float[]) b.features().get("x").array());
        assertArrayEquals(new int[] {0, 1}, (int[]) b.labels().get("label").array());
        assertEquals(6, j.trainSteps(), "3 epochs of 4 rows in batches of 2 (rows counted by reading the file)");
        List<Batch> eval = all(j.eval().orElseThrow());
        assertEquals(List.of(3, 1), eval.stream().map(Batch::size).toList(), "eval keeps the last, partial batch");
    }

    @Test
    void idxImagesAreNormalizedChannelsLastWithinTheRange() throws IOException {
        byte[] pixels = new byte[5 * 2 * 2];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 12);
        }
        writeIdx(dir.resolve("img.gz"), 0x0803, new int[] {5, 2, 2}, pixels, true);
        writeIdx(dir.resolve("lbl"), 0x0801, new int[] {5}, new byte[] {9, 8, 7, 6, 5}, false);
        String data = "{idx: {images: img.gz, labels: lbl, range: [1, 4]}}";
        Job j = job(data, "image", "{classification: {classes: 10}}", "  epochs: 1\n");
        List<Batch> eval = all(j.eval().orElseThrow());
        Batch b = eval.getFirst();
        assertEquals(TensorType.of(DType.F32, 3, 2, 2, 1), b.features().get("image").type());
        float[] x = (float[]) b.features().get("image").array();
        assertEquals(4 * 12 / 255f, x[0], 1e-6, "example 1 starts at pixel 4");
        assertEquals(15 * 12 / 255f, x[11], 1e-6);
        assertArrayEquals(new int[] {8, 7, 6}, (int[]) b.labels().get("label").array());
        assertEquals(1, j.trainSteps(), "3 examples in batches of 2 with the remainder dropped");
    }

    @Test
    void tfrecordFeaturesParsedToFixedShapes() {
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Map<String, HostTensor> ex = new LinkedHashMap<>();
            ex.put("x", HostTensor.ofFloats(new float[] {i, -i}, 2));
            ex.put("label", HostTensor.ofLongs(new long[] {i % 2}));
            records.add(Examples.toProto(ex).toByteArray());
        }
        TfRecordWriter.write(dir.resolve("part-0.tfrecord"), records);
        String data = "{tfrecord: {files: 'part-*.tfrecord', features: {x: {type: f32, shape: [2]}, "
                + "label: {type: i64, shape: []}}}}";
        Batch b = first(job(data, "x", "{classification: {classes: 2}}", "  steps: 1\n").train());
        assertArrayEquals(new float[] {0, 0, 1, -1}, (float[]) b.features().get("x").array());
        assertEquals(TensorType.of(DType.I64, 2), b.labels().get("label").type());
    }

    @Test
    void missingFilesFailAtBuildNamingTheField() {
        SpecException e = assertThrows(SpecException.class, () -> job("{csv: {files: 'nothing-*.csv', columns: "
                + "[{name: x, type: f32}, {name: label, type: i32}]}}", "x", "{classification: {classes: 2}}",
                "  steps: 1\n"));
        assertTrue(e.problems().getFirst().startsWith("train.data: file set '"), e.getMessage());
        assertTrue(e.problems().getFirst().contains("matches no files"), e.getMessage());
        assertFalse(e.problems().getFirst().isEmpty());
    }

    static void writeIdx(Path file, int magic, int[] dims, byte[] data, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(bytes.toByteArray());
        }
    }
}
