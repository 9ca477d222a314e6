package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages of the lockstep command: 0 success, 2 usage or spec error, 1 runtime failure. */
class CommandLineTest {
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Lockstep.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    static Path spec(Path dir, String yaml) throws Exception {
        Path p = dir.resolve("job.yaml");
        Files.writeString(p, yaml);
        return p;
    }

    static final String GOOD = """
            model:
              layers:
                - dense: {name: hidden, units: 8, activation: relu}
                - dense: {name: logits, units: 3}
            head:
              classification: {classes: 3}
            train:
              data: {synthetic: {blobs: {count: 512, classes: 3, dim: 4, split: [2, 0]}}}
              batch_size: 32
              steps: 20
            eval:
              data: {synthetic: {blobs: {count: 512, classes: 3, dim: 4, split: [2, 1]}}}
              batch_size: 64
            checkpoints: {dir: runs/job, every_steps: 10, keep: 2}
            seed: 3
            device: cpu
            """;

    @Test
    void aSpecErrorExitsWith2AndNamesTheFieldPath(@TempDir Path dir) throws Exception {
        Result r = run("validate", spec(dir, GOOD.replace("units: 8", "units: ten")).toString());
        assertEquals(Lockstep.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("model.layers[0].dense.units"), r.err());
        Result typo = run("validate", spec(dir, GOOD.replace("units: 8", "unitz: 8")).toString());
        assertEquals(Lockstep.USAGE, typo.code());
        assertTrue(typo.err().contains("did you mean 'units'"), typo.err());
    }

    @Test
    void validateWritesItsVerdictToTheCommandsWriter(@TempDir Path dir) throws Exception {
        Path job = spec(dir, GOOD);
        Result r = run("validate", job.toString());
        assertEquals(Lockstep.OK, r.code(), r.err());
        assertEquals(job + ": ok (device cpu, 20 training steps, model dir " + dir.resolve("runs/job")
                + ", with eval data)" + System.lineSeparator(), r.out());
        assertEquals("", r.err());
    }

    @Test
    void usageErrorsExitWith2() throws Exception {
        assertEquals(Lockstep.USAGE, run("no-such-command").code());
        assertEquals(Lockstep.USAGE, run("train").code(), "missing JOB.yaml");
        Result missing = run("validate", "/nonexistent/job.yaml");
        assertEquals(Lockstep.USAGE, missing.code());
        assertTrue(missing.err().contains("/nonexistent/job.yaml"), missing.err());
    }

    @Test
    void anUnavailableDeviceIsAUsageErrorListingTheAvailableOnes(@TempDir Path dir) throws Exception {
        Result r = run("validate", spec(dir, GOOD).toString(), "--device", "tpu");
        assertEquals(Lockstep.USAGE, r.code());
        assertTrue(r.err().contains("'tpu'") && r.err().contains("cpu"), r.err());
    }

    @Test
    void trainEvaluatePredictInspectAndExportSucceed(@TempDir Path dir) throws Exception {
        Path job = spec(dir, GOOD);
        Result train = run("train", job.toString());
        assertEquals(Lockstep.OK, train.code(), train.err());
        assertTrue(train.out().contains("trained to step 20; checkpoints in " + dir.resolve("runs/job")), train.out());
        assertTrue(train.out().contains("step 20/20 loss="), "progress lines go to the command's writer: " + train.out());
        assertTrue(Files.isDirectory(dir.resolve("runs/job/ckpt-20")));
        Result evaluate = run("evaluate", job.toString());
        assertEquals(Lockstep.OK, evaluate.code(), evaluate.err());
        assertTrue(evaluate.out().startsWith("evaluation of step 20:") && evaluate.out().contains("  accuracy = "),
                evaluate.out());
        Path csv = dir.resolve("predictions.csv");
        Result predict = run("predict", job.toString(), "-o", csv.toString());
        assertEquals(Lockstep.OK, predict.code(), predict.err());
        assertTrue(predict.out().contains("wrote 256 predictions of step 20 to " + csv), predict.out());
        var lines = Files.readAllLines(csv);
        assertEquals(1 + 256, lines.size(), "header plus one row per eval example");
        assertTrue(lines.getFirst().startsWith("classes,logits_0"), lines.getFirst());
        Result inspect = run("inspect", dir.resolve("runs/job").toString());
        assertEquals(Lockstep.OK, inspect.code(), inspect.err());
        assertTrue(inspect.out().contains("hidden/kernel") && inspect.out().contains("step 20"), inspect.out());
        Path export = dir.resolve("export");
        Result exported = run("export", job.toString(), "--dir", export.toString());
        assertEquals(Lockstep.OK, exported.code(), exported.err());
        assertEquals("exported step 20 to " + export + System.lineSeparator(), exported.out());
        assertTrue(Files.readString(export.resolve("model.stablehlo.mlir")).contains("stablehlo.dot_general"));
    }

    @Test
    void aRuntimeFailureExitsWith1() throws Exception {
        Result r = run("inspect", Files.createTempDirectory("empty").toString());
        assertEquals(Lockstep.USAGE, r.code(), "an empty model directory is the user's mistake");
        Path bad = Files.createTempDirectory("corrupt").resolve("ckpt-5");
        Files.createDirectories(bad);
        Files.writeString(bad.resolve("manifest.json"), "{ not json");
        Result corrupt = run("inspect", bad.toString());
        assertEquals(Lockstep.RUNTIME_FAILURE, corrupt.code(), corrupt.err());
        assertTrue(corrupt.err().contains("manifest.json"), corrupt.err());
    }

    @Test
    void workerAndLocalRefuseBadFlagsAsUsageErrorsNamingThem(@TempDir Path dir) throws Exception {
        Result worker = run("worker", "--coordinator", "nonsense");
        assertEquals(2, worker.code(), worker.err());
        assertTrue(worker.err().contains("--coordinator nonsense: expected HOST:PORT"), worker.err());
        Result wildcard = run("worker", "--coordinator", "127.0.0.1:7070", "--host", "0.0.0.0");
        assertEquals(2, wildcard.code(), wildcard.err());
        assertTrue(wildcard.err().contains("--host 0.0.0.0"), wildcard.err());
        Path job = spec(dir, GOOD);
        Result none = run("local", "--workers", "0", job.toString());
        assertEquals(2, none.code(), none.err());
        assertTrue(none.err().contains("--workers: expected a positive number"), none.err());
        Result uneven = run("local", "--workers", "3", job.toString());
        assertEquals(2, uneven.code(), uneven.err());
        assertTrue(uneven.err().contains("train.batch_size: 32 examples do not split evenly over 3 workers"),
                uneven.err());
    }
}
