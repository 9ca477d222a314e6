package dev.lockstep.estimator.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The format itself, checked against bytes written out by hand from the spec (IEEE encodings worked
 * out on paper, little-endian), in both directions: hand-made bytes parse, and the writer emits them.
 */
class SafeTensorsFormatTest {
    @TempDir
    Path dir;

    /** One tensor of every dtype; data is contiguous in the order of the data_offsets. */
    private static final String HEADER = "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
            + "\"l\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]},"
            + "\"f\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]},"
            + "\"i\":{\"dtype\":\"I32\",\"shape\":[1,1],\"data_offsets\":[24,28]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[28,32]},"
            + "\"h\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[32,34]},"
            + "\"z\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[34,36]}}";
    private static final int[] DATA = {
        0, 0, 0, 0, 0, 0, 0xE0, 0x3F,   // d: 0.5 = 0x3FE0000000000000
        7, 0, 0, 0, 0, 0, 0, 0,         // l: 7
        0, 0, 0xC0, 0x3F,               // f[0]: 1.5 = 0x3FC00000
        0, 0, 0, 0xC0,                  // f[1]: -2.0 = 0xC0000000
        0xFF, 0xFF, 0xFF, 0xFF,         // i: -1
        0x80, 0x3F,                     // b[0]: 1.0 in bf16 = 0x3F80
        0x40, 0xC0,                     // b[1]: -3.0 in bf16 = 0xC040
        0x00, 0x3C,                     // h: 1.0 in f16 = 0x3C00
        1, 0,                           // z: true, false
    };

    @Test
    void handBuiltFileParsesToTheExpectedTensors() throws Exception {
        Path file = SafeTensorsBytes.write(dir, "hand.safetensors", SafeTensorsBytes.file(HEADER, DATA));
        SafeTensors.Contents c = SafeTensors.read(file);
        assertEquals(Map.of("format", "pt"), c.metadata());
        assertEquals(java.util.List.of("b", "d", "f", "h", "i", "l", "z"), java.util.List.copyOf(c.tensors().keySet()));
        assertEquals(TensorType.of(DType.F64, 1), c.tensors().get("d").type());
        assertArrayEquals(new double[] {0.5}, (double[]) c.tensors().get("d").array());
        assertEquals(new TensorType(DType.I64, Shape.scalar()), c.tensors().get("l").type());
        assertArrayEquals(new long[] {7}, (long[]) c.tensors().get("l").array());
        assertArrayEquals(new float[] {1.5f, -2f}, c.tensors().get("f").floats());
        assertEquals(TensorType.of(DType.I32, 1, 1), c.tensors().get("i").type());
        assertArrayEquals(new int[] {-1}, (int[]) c.tensors().get("i").array());
        assertEquals(DType.BF16, c.tensors().get("b").dtype());
        assertArrayEquals(new float[] {1f, -3f}, c.tensors().get("b").floats());
        assertEquals(DType.F16, c.tensors().get("h").dtype());
        assertArrayEquals(new float[] {1f}, c.tensors().get("h").floats());
        assertArrayEquals(new boolean[] {true, false}, (boolean[]) c.tensors().get("z").array());
    }

    @Test
    void writerEmitsExactlyTheSpecBytes() throws Exception {
        // Insertion order is scrambled on purpose: the writer orders by element width, then by name.
        Map<String, HostTensor> t = new LinkedHashMap<>();
        t.put("z", HostTensor.ofBools(new boolean[] {true, false}, 2));
        t.put("b", HostTensor.wrap(TensorType.of(DType.BF16, 2), new float[] {1f, -3f}));
        t.put("h", HostTensor.wrap(TensorType.of(DType.F16, 1), new float[] {1f}));
        t.put("i", HostTensor.ofInts(new int[] {-1}, 1, 1));
        t.put("f", HostTensor.ofFloats(new float[] {1.5f, -2f}, 2));
        t.put("l", HostTensor.ofLongs(new long[] {7}));
        t.put("d", HostTensor.ofDoubles(new double[] {0.5}, 1));
        Path file = dir.resolve("written.safetensors");
        SafeTensors.write(file, t, Map.of("format", "pt"));
        assertArrayEquals(SafeTensorsBytes.file(HEADER, DATA), Files.readAllBytes(file));
    }

    @Test
    void headerLengthIsAMultipleOfEightAndPaddedWithSpaces() throws Exception {
        Path file = dir.resolve("pad.safetensors");
        SafeTensors.write(file, Map.of("x", HostTensor.ofFloats(new float[] {1f}, 1)), Map.of());
        byte[] b = Files.readAllBytes(file);
        int n = b[0] & 0xff;
        // {"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} is 54 bytes, so two spaces of padding.
        assertEquals(56, n);
        assertEquals('}', b[8 + 53]);
        assertEquals(' ', b[8 + 54]);
        assertEquals(' ', b[8 + 55]);
        assertEquals(8 + 56 + 4, b.length);
    }
}
