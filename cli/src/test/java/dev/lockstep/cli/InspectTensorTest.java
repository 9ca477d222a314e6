package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.estimator.checkpoint.Checkpoint;
import dev.lockstep.estimator.checkpoint.CheckpointStore;
import dev.lockstep.estimator.checkpoint.Manifest;
import dev.lockstep.tensor.HostTensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** inspect printed only names, dtypes, shapes and norms; --tensor PATH prints one tensor's values. */
class InspectTensorTest {
    record Result(int code, String out, String err) {}

    /** Through picocli, with the command's out and err captured, as a user's terminal sees them. */
    static Result inspect(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "inspect";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = Lockstep.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
        return new Result(code, out.toString(), err.toString());
    }

    static Path checkpoint(Path dir) throws Exception {
        Map<String, HostTensor> t = new LinkedHashMap<>();
        t.put("hidden/kernel", HostTensor.ofFloats(new float[] {0.1f, -2f, 3.5f, 4f, 5f, 6f}, 2, 3));
        float[] big = new float[2 * 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = i;
        }
        t.put("hidden/big", HostTensor.ofFloats(big, 2, 20));
        t.put("logits/bias", HostTensor.ofDoubles(new double[] {0.25, -1e-300}, 2));
        t.put("step_count", HostTensor.ofLongs(new long[] {1L << 40}));
        t.put("mask", HostTensor.ofBools(new boolean[] {true, false}, 2));
        new CheckpointStore(dir, 3).save(Checkpoint.of(Manifest.of(7, 1, "g", 1, "test"), t));
        return dir;
    }

    @Test
    void smallTensorPrintsEveryValueRowMajorWithShape(@TempDir Path dir) throws Exception {
        Result r = inspect(checkpoint(dir).toString(), "--tensor", "hidden/kernel");
        assertEquals(Lockstep.OK, r.code(), r.err());
        assertEquals("""
                hidden/kernel  f32  shape [2, 3]  6 elements, row-major
                [0, 0:3] 0.1 -2.0 3.5
                [1, 0:3] 4.0 5.0 6.0
                """, r.out());
        assertEquals("", r.err());
    }

    @Test
    void integerBoolDoubleAndScalarValuesPrintExactly(@TempDir Path dir) throws Exception {
        checkpoint(dir);
        assertTrue(inspect(dir.toString(), "--tensor", "step_count").out().contains("\n1099511627776\n"));
        assertTrue(inspect(dir.toString(), "--tensor", "mask").out().contains("[0:2] true false"));
        assertTrue(inspect(dir.toString(), "--tensor", "logits/bias").out().contains("[0:2] 0.25 -1.0E-300"));
        assertTrue(inspect(dir.resolve("ckpt-7").toString(), "--tensor", "mask").out().contains("true false"),
                "a checkpoint directory works as well as a model directory");
    }

    @Test
    void largeTensorPrintsASummaryAndTheFirstLimitValues(@TempDir Path dir) throws Exception {
        Result r = inspect(checkpoint(dir).toString(), "--tensor", "hidden/big", "--limit", "10");
        assertEquals(Lockstep.OK, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].contains("hidden/big") && lines[0].contains("[2, 20]") && lines[0].contains("40 elements"),
                lines[0]);
        assertTrue(lines[1].startsWith("min 0.00000  max 39.0000  mean 19.5000"), lines[1]);
        assertEquals("first 10 of 40 values (--limit N for more):", lines[2]);
        assertEquals("[0, 0:8] 0.0 1.0 2.0 3.0 4.0 5.0 6.0 7.0", lines[3]);
        assertEquals("[0, 8:10] 8.0 9.0", lines[4]);
        assertEquals("... 30 more", lines[5]);
        assertEquals(6, lines.length, r.out());
        Result all = inspect(dir.toString(), "--tensor", "hidden/big", "--limit", "40");
        assertFalse(all.out().contains("min "), all.out());
        assertTrue(all.out().contains("[1, 16:20] 36.0 37.0 38.0 39.0\n"), all.out());
    }

    @Test
    void anUnknownPathExitsWith2NamingItAndTheClosestPaths(@TempDir Path dir) throws Exception {
        Result r = inspect(checkpoint(dir).toString(), "--tensor", "hiden/kernel");
        assertEquals(Lockstep.USAGE, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().contains("no tensor 'hiden/kernel'") && r.err().contains("step 7"), r.err());
        assertTrue(r.err().contains("closest: hidden/kernel, hidden/big"), r.err());
        assertEquals(Lockstep.USAGE, inspect(dir.toString(), "--tensor", "mask", "--limit", "-1").code());
    }

    @Test
    void withoutTensorTheListingIsUnchanged(@TempDir Path dir) throws Exception {
        Result r = inspect(checkpoint(dir).toString());
        assertEquals(Lockstep.OK, r.code(), r.err());
        assertTrue(r.out().contains("hidden/kernel") && r.out().contains("5 tensors, 51 elements"), r.out());
        assertFalse(r.out().contains("row-major"), r.out());
    }
}
