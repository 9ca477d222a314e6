package dev.lockstep.estimator.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsRoundTripTest {
    private static final float LARGEST_F16_SUBNORMAL = (float) (1023 * Math.pow(2, -24));

    @TempDir
    Path dir;

    private SafeTensors.Contents roundTrip(Map<String, HostTensor> t, Map<String, String> meta) throws Exception {
        Path file = dir.resolve("t.safetensors");
        SafeTensors.write(file, t, meta);
        return SafeTensors.read(file);
    }

    @Test
    void everyDtypeWithSpecialValuesScalarsAndEmptyTensors() throws Exception {
        Map<String, HostTensor> t = new TreeMap<>();
        float[] f32 = {0f, -0f, 1.25f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY, Float.NaN};
        double[] f64 = {Double.MIN_VALUE, -Double.MAX_VALUE, Math.PI, Double.POSITIVE_INFINITY};
        t.put("enc/f32", HostTensor.ofFloats(f32, 7));
        t.put("enc/f64", HostTensor.ofDoubles(f64, 2, 2));
        t.put("enc/i32", HostTensor.ofInts(new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE}, 3, 1));
        t.put("enc/i64", HostTensor.ofLongs(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, 2));
        t.put("bf16", HostTensor.wrap(TensorType.of(DType.BF16, 3), new float[] {1.5f, -0.25f, 256f}));
        t.put("f16", HostTensor.wrap(TensorType.of(DType.F16, 3), new float[] {0.5f, -65504f, LARGEST_F16_SUBNORMAL}));
        t.put("mask", HostTensor.ofBools(new boolean[] {true, false, true}, 3));
        t.put("step", HostTensor.ofLongs(new long[] {41}));
        t.put("empty", HostTensor.ofFloats(new float[0], 0, 5));
        SafeTensors.Contents c = roundTrip(t, Map.of("who", "test"));
        assertEquals(t.keySet(), c.tensors().keySet());
        for (String k : t.keySet()) {
            assertEquals(t.get(k).type(), c.tensors().get(k).type(), k);
        }
        assertArrayEquals(f32, c.tensors().get("enc/f32").floats());
        assertArrayEquals(f64, (double[]) c.tensors().get("enc/f64").array());
        assertArrayEquals(new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE}, (int[]) c.tensors().get("enc/i32").array());
        assertArrayEquals(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, (long[]) c.tensors().get("enc/i64").array());
        // All exactly representable in the 2-byte format, so they survive unchanged.
        assertArrayEquals(new float[] {1.5f, -0.25f, 256f}, c.tensors().get("bf16").floats());
        assertArrayEquals(new float[] {0.5f, -65504f, LARGEST_F16_SUBNORMAL}, c.tensors().get("f16").floats());
        assertArrayEquals(new boolean[] {true, false, true}, (boolean[]) c.tensors().get("mask").array());
        assertEquals(new TensorType(DType.I64, Shape.scalar()), c.tensors().get("step").type());
        assertEquals(0, c.tensors().get("empty").size());
        assertEquals(Map.of("who", "test"), c.metadata());
    }

    @Test
    void halfPrecisionValuesAreRoundedOnWrite() throws Exception {
        // bf16 has 7 mantissa bits (ulp 2^-7 at 1): 1 + 2^-8 is a tie and goes to the even 1.0;
        // 1 + 2^-7 + 2^-9 is a quarter ulp above 1 + 2^-7 and rounds down to it.
        float tie = (float) (1 + Math.pow(2, -8));
        float near = (float) (1 + Math.pow(2, -7) + Math.pow(2, -9));
        SafeTensors.Contents c = roundTrip(Map.of("b", HostTensor.wrap(TensorType.of(DType.BF16, 2),
                new float[] {tie, near})), Map.of());
        assertArrayEquals(new float[] {1f, (float) (1 + Math.pow(2, -7))}, c.tensors().get("b").floats());
    }

    @Test
    void tensorsLargerThanTheStagingBufferSurvive() throws Exception {
        int n = 100_003;  // several 64 KiB chunks, and not a multiple of any of them
        float[] f = new float[n];
        long[] l = new long[n];
        boolean[] z = new boolean[n];
        float[] h = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = i * 0.5f - 7;
            l[i] = (long) i * 1_000_003L - 5;
            z[i] = i % 3 == 0;
            h[i] = i % 2048;  // integers up to 2048 are exact in f16
        }
        SafeTensors.Contents c = roundTrip(Map.of("f", HostTensor.ofFloats(f, n), "l", HostTensor.ofLongs(l, n),
                "z", HostTensor.ofBools(z, n), "h", HostTensor.wrap(TensorType.of(DType.F16, n), h)), Map.of());
        assertArrayEquals(f, c.tensors().get("f").floats());
        assertArrayEquals(l, (long[]) c.tensors().get("l").array());
        assertArrayEquals(z, (boolean[]) c.tensors().get("z").array());
        assertArrayEquals(h, c.tensors().get("h").floats());
    }

    @Test
    void noTensorsAtAll() throws Exception {
        SafeTensors.Contents c = roundTrip(Map.of(), Map.of());
        assertEquals(Map.of(), c.tensors());
    }
}
