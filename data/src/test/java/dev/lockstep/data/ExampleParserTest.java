package dev.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleParserTest {
    @TempDir
    Path dir;

    /**
     * Example{features{feature{key:"x" value{float_list{value:[1.5, -2]}}} feature{key:"y" value{int64_list
     * {value:[7]}}}}} encoded by hand from TensorFlow's field numbers, so wire compatibility is checked
     * independently of our generated code.
     */
    private static final byte[] TF_EXAMPLE = {
        0x0a, 0x24, // Example.features (field 1, LEN 36)
        0x0a, 0x11, // Features.feature map entry (field 1, LEN 17)
        0x0a, 0x01, 'x', // entry key (1)
        0x12, 0x0c, // entry value (2): Feature, LEN 12
        0x12, 0x0a, // Feature.float_list (2), LEN 10
        0x0a, 0x08, 0x00, 0x00, (byte) 0xc0, 0x3f, 0x00, 0x00, 0x00, (byte) 0xc0, // packed value (1): 1.5f, -2f
        0x0a, 0x0f, // second map entry (LEN 15)
        0x0a, 0x01, 'y',
        0x12, 0x0a, // Feature, LEN 10
        0x1a, 0x08, // Feature.int64_list (3), LEN 8
        0x0a, 0x06, 0x07, 0x07, 0x07, 0x07, 0x07, 0x07 // packed varints: six 7s
    };

    @Test
    void parsesTensorFlowEncodedExamples() {
        Map<String, HostTensor> ex = new ExampleParser().feature("x", DType.F32, 2).feature("y", DType.I64, 2, 3)
                .parse(TF_EXAMPLE, "hand-encoded");
        assertArrayEquals(new float[] {1.5f, -2f}, ex.get("x").floats());
        assertArrayEquals(new long[] {7, 7, 7, 7, 7, 7}, (long[]) ex.get("y").array());
        assertEquals("i64[2, 3]", ex.get("y").type().toString());
    }

    @Test
    void roundTripsThroughTfRecordsWithNames() {
        Map<String, HostTensor> ex = new LinkedHashMap<>();
        ex.put("source", HostTensor.ofInts(new int[] {3, 4, 5}, 3));
        ex.put("target_in", HostTensor.ofInts(new int[] {1, 3, 4}, 3));
        ex.put("weight", HostTensor.ofDoubles(new double[] {0.25}));
        ex.put("mask", HostTensor.ofBools(new boolean[] {true, false}, 2));
        Path f = dir.resolve("ex.tfrecord");
        TfRecordWriter.write(f, List.of(Examples.toProto(ex).toByteArray()));
        ExampleParser p = new ExampleParser().feature("source", DType.I32, 3).feature("target_in", DType.I32, 3)
                .feature("weight", DType.F64).feature("mask", DType.BOOL, 2)
                .optional("absent", HostTensor.ofFloats(new float[] {9}, 1));
        List<Map<String, HostTensor>> parsed = Drain.all(Dataset.fromTfRecords(FileSet.of(f)).map(p::parse));
        Map<String, HostTensor> expected = new LinkedHashMap<>(ex);
        expected.put("absent", HostTensor.ofFloats(new float[] {9}, 1));
        assertEquals(List.of(Drain.values(expected)), Drain.values(parsed));
    }

    @Test
    void errorsNameRecordFeatureAndExpectation() {
        Path f = dir.resolve("e.tfrecord");
        Map<String, HostTensor> ex = Map.of("x", HostTensor.ofFloats(new float[] {1, 2}, 2));
        TfRecordWriter.write(f, List.of(new byte[] {1}, Examples.toProto(ex).toByteArray()));
        List<TfRecord> recs = Drain.all(Dataset.fromTfRecords(FileSet.of(f)));

        var e = assertThrows(IllegalArgumentException.class,
                () -> new ExampleParser().feature("x", DType.F32, 2).parse(recs.get(0)));
        assertTrue(e.getMessage().contains(f + " at byte offset 0") && e.getMessage().contains("not a tf.train.Example"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ExampleParser().feature("x", DType.F32, 3).parse(recs.get(1)));
        assertTrue(e.getMessage().contains(f + " at byte offset 17") && e.getMessage().contains("'x' has 2 values")
                && e.getMessage().contains("f32[3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ExampleParser().feature("x", DType.I64, 2).parse(recs.get(1)));
        assertTrue(e.getMessage().contains("float_list") && e.getMessage().contains("int64_list"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ExampleParser().feature("z", DType.F32).parse(recs.get(1)));
        assertTrue(e.getMessage().contains("'z'") && e.getMessage().contains("missing"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ExampleParser().feature("b", DType.F32).parse(Examples.bytesExample("b", new byte[] {1}).toByteArray(), "r"));
        assertTrue(e.getMessage().contains("bytes_list"), e.getMessage());
    }
}
