package dev.lockstep.estimator.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import dev.lockstep.testing.ExternalProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our files against other implementations, in Python: a standard-library decoder (runs wherever
 * python3 exists) and the reference {@code safetensors} package (skipped unless importable). The
 * interpreter is {@code /usr/bin/python3} unless the {@code lockstep.python} system property names another.
 */
class PythonCrossCheckTest {
    private static final String PYTHON = System.getProperty("lockstep.python", "/usr/bin/python3");

    @TempDir
    Path dir;

    /** Every dtype, values exact in their own dtype and in JSON, so comparisons can be exact. */
    private static Map<String, HostTensor> sample(boolean withBf16) {
        Map<String, HostTensor> t = new TreeMap<>();
        t.put("enc/w", HostTensor.ofFloats(new float[] {1.5f, -2f, 0.001f, 3e38f, -0f, 7f}, 2, 3));
        t.put("enc/d", HostTensor.ofDoubles(new double[] {Math.PI, -1e-300}, 2));
        t.put("enc/i", HostTensor.ofInts(new int[] {Integer.MIN_VALUE, 5}, 1, 2));
        t.put("enc/l", HostTensor.ofLongs(new long[] {Long.MIN_VALUE, 1L << 40}, 2));
        t.put("enc/h", HostTensor.wrap(TensorType.of(DType.F16, 2), new float[] {0.5f, -65504f}));
        t.put("enc/m", HostTensor.ofBools(new boolean[] {true, false, true}, 3));
        t.put("step", HostTensor.ofLongs(new long[] {12}));
        t.put("empty", HostTensor.ofFloats(new float[0], 0, 3));
        if (withBf16) {
            t.put("enc/b", HostTensor.wrap(TensorType.of(DType.BF16, 2), new float[] {3f, -0.125f}));
        }
        return t;
    }

    private static boolean pythonCan(String code) {
        try {
            return ExternalProcess.run(Duration.ofSeconds(60), new byte[0], List.of(PYTHON, "-c", code)).exitCode() == 0;
        } catch (IOException e) {
            return false;  // no interpreter at that path
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode runScript(String resource, String... args) throws Exception {
        Path script = dir.resolve(resource);
        try (InputStream in = getClass().getResourceAsStream("/python/" + resource)) {
            Files.copy(in, script);
        }
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString()));
        cmd.addAll(List.of(args));
        ExternalProcess.Result r = ExternalProcess.run(Duration.ofSeconds(120), new byte[0], cmd);
        if (r.exitCode() != 0) {
            throw new AssertionError(resource + " failed (exit " + r.exitCode() + "): " + r.stderr());
        }
        return Json.MAPPER.readTree(r.stdout());
    }

    /** Shape and every value of {@code expected} match what Python reported. */
    private static void assertSameTensor(String name, HostTensor expected, JsonNode actual) {
        int[] shape = new int[actual.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = actual.get("shape").get(i).intValue();
        }
        assertArrayEquals(expected.shape().dims(), shape, name);
        JsonNode values = actual.get("values");
        assertEquals(expected.size(), values.size(), name);
        for (int i = 0; i < expected.size(); i++) {
            JsonNode v = values.get(i);
            if (expected.dtype() == DType.I64) {
                assertEquals(expected.getLong(i), v.longValue(), name + "[" + i + "]");
            } else {
                double d = v.isBoolean() ? (v.booleanValue() ? 1 : 0) : v.doubleValue();
                assertEquals(expected.getDouble(i), d, name + "[" + i + "]");
            }
        }
    }

    @Test
    void standardLibraryDecoderReadsWhatWeWrite() throws Exception {
        assumeTrue(pythonCan("import json, struct"), "no Python interpreter at " + PYTHON);
        Map<String, HostTensor> t = sample(true);
        Path file = dir.resolve("java.safetensors");
        SafeTensors.write(file, t, Map.of("format", "pt"));
        JsonNode r = runScript("decode_stdlib.py", file.toString());
        assertEquals("pt", r.get("metadata").get("format").textValue());
        assertEquals(t.size(), r.get("tensors").size());
        t.forEach((name, tensor) -> {
            JsonNode a = r.get("tensors").get(name);
            assertEquals(SafeTensorsHeader.dtypeName(tensor.dtype()), a.get("dtype").textValue(), name);
            assertSameTensor(name, tensor, a);
        });
    }

    @Test
    void referenceSafetensorsPackageReadsWhatWeWriteAndWeReadWhatItWrites() throws Exception {
        assumeTrue(pythonCan("import safetensors"), "the safetensors Python package is not importable by " + PYTHON
                + " (torch alone cannot read safetensors files)");
        boolean torch = pythonCan("import torch, safetensors.torch");
        Map<String, HostTensor> t = sample(torch);
        Path file = dir.resolve("java.safetensors");
        Path back = dir.resolve("python.safetensors");
        SafeTensors.write(file, t, Map.of("format", "pt"));
        JsonNode r = runScript("safetensors_roundtrip.py", file.toString(), back.toString());
        assertEquals(torch ? "torch" : "numpy", r.get("backend").textValue());
        assertEquals("pt", r.get("metadata").get("format").textValue());
        Map<DType, String> names = Map.of(DType.F32, "float32", DType.F64, "float64", DType.F16, "float16",
                DType.BF16, "bfloat16", DType.I32, "int32", DType.I64, "int64", DType.BOOL, "bool");
        assertEquals(t.size(), r.get("tensors").size());
        t.forEach((name, tensor) -> {
            JsonNode a = r.get("tensors").get(name);
            assertEquals(names.get(tensor.dtype()), a.get("dtype").textValue(), name);
            assertSameTensor(name, tensor, a);
        });

        SafeTensors.Contents py = SafeTensors.read(back);
        assertEquals(r.get("backend").textValue(), py.metadata().get("written_by"));
        assertEquals(TensorType.of(DType.F32, 1, 2), py.tensors().get("py/w").type());
        assertArrayEquals(new float[] {1.5f, -2f}, py.tensors().get("py/w").floats());
        assertArrayEquals(new long[] {7, -8}, (long[]) py.tensors().get("py/i").array());
        assertEquals(DType.F16, py.tensors().get("py/h").dtype());
        assertArrayEquals(new float[] {0.5f}, py.tensors().get("py/h").floats());
        assertArrayEquals(new boolean[] {true, false}, (boolean[]) py.tensors().get("py/m").array());
        if (torch) {
            assertEquals(DType.BF16, py.tensors().get("py/b").dtype());
            assertArrayEquals(new float[] {3f, -0.125f}, py.tensors().get("py/b").floats());
        }
    }
}
