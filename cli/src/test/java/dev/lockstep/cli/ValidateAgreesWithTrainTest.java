package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, item 4: validate passed specs that train then failed with raw Java errors (NegativeArraySize,
 * OutOfMemoryError, a head mismatch, a batch larger than the data). Now both commands refuse them, before
 * the first step, with the field path and the numbers, every problem in one round.
 */
class ValidateAgreesWithTrainTest {
    @TempDir
    Path dir;

    private CommandLineTest.Result[] validateAndTrain(String yaml) throws Exception {
        Path job = CommandLineTest.spec(dir, yaml);
        return new CommandLineTest.Result[] {CommandLineTest.run("validate", job.toString()),
                CommandLineTest.run("train", job.toString())};
    }

    private void bothRefuse(String yaml, String... expected) throws Exception {
        for (CommandLineTest.Result r : validateAndTrain(yaml)) {
            assertEquals(Lockstep.USAGE, r.code(), r.out() + r.err());
            for (String e : expected) {
                assertTrue(r.err().contains(e), "expected '" + e + "' in: " + r.err());
            }
            assertFalse(r.out().contains("trained to step"), r.out());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
        assertFalse(Files.exists(dir.resolve("runs/job")), "refused before anything was written");
    }

    @Test
    void unitsTooLargeForOneTensorIsRefusedNotANegativeArraySizeException() throws Exception {
        bothRefuse(CommandLineTest.GOOD.replace("units: 8", "units: 2000000000"),
                "model.layers[0].dense: hidden/kernel would be f32[4, 2000000000], 8000000000 elements; one tensor "
                        + "holds at most 2147483639");
    }

    @Test
    void unitsTooLargeForTheHeapIsRefusedNotAnOutOfMemoryError() throws Exception {
        bothRefuse(CommandLineTest.GOOD.replace("units: 8", "units: 200000000"),
                "model.layers[0].dense: the initial values of the model's variables", "of JVM heap (largest: "
                        + "hidden/kernel f32[4, 200000000], 3.0 GiB (3200000000 bytes)), more than its maximum of");
    }

    @Test
    void batchTooLargeIsRefusedWithTheDataSizeAndTheTensor() throws Exception {
        bothRefuse(CommandLineTest.GOOD.replace("batch_size: 32", "batch_size: 2000000000"),
                "train.batch_size: a step takes 2000000000 examples (batch_size 2000000000 x 1 micro-batch(es)) but "
                        + "train.data has only 256",
                "train.batch_size: 2000000000 examples make the batch tensor 'x' f32[2000000000, 4], 8000000000 "
                        + "elements");
    }

    @Test
    void logitsUnitsOtherThanTheHeadsClassesAreRefused() throws Exception {
        bothRefuse(CommandLineTest.GOOD.replace("units: 3}", "units: 5}"),
                "model.layers[1].dense.units: the logits layer 'logits' has 5 units but head.classification.classes "
                        + "is 3; make them equal");
    }

    @Test
    void aBatchLargerThanTheDatasetIsRefused() throws Exception {
        bothRefuse(CommandLineTest.GOOD.replace("batch_size: 32", "batch_size: 300"),
                "train.batch_size: a step takes 300 examples", "train.data has only 256; lower train.batch_size to "
                        + "at most 256");
    }

    @Test
    void everyProblemIsReportedInOneRound() throws Exception {
        bothRefuse(CommandLineTest.GOOD.replace("batch_size: 32", "batch_size: 300").replace("units: 3}", "units: 5}"),
                "(2 problems)", "train.batch_size: a step takes 300 examples", "model.layers[1].dense.units");
    }

    @Test
    void anUnexpectedFailureIsOneLineNamingTheFileWithTheFullTrace() throws Exception {
        StringBuilder rows = new StringBuilder("a,b,label\n");
        for (int i = 0; i < 40; i++) {
            rows.append(i).append(',').append(-i).append(',').append(i == 30 ? 7 : i % 2).append('\n');
        }
        Files.writeString(dir.resolve("rows.csv"), rows);
        // line 32 is beyond the first step that validation reads, so this fails while training
        Path job = CommandLineTest.spec(dir, """
                model:
                  layers:
                    - dense: {name: logits, units: 2}
                head:
                  classification: {classes: 2}
                train:
                  data: {csv: {files: rows.csv, columns: [{name: a, type: f32}, {name: b, type: f32},
                               {name: label, type: i32}], features: {x: [a, b]}}}
                  batch_size: 4
                  steps: 20
                checkpoints: {dir: runs/job}
                device: cpu
                """);
        CommandLineTest.Result r = CommandLineTest.run("train", job.toString());
        assertEquals(Lockstep.RUNTIME_FAILURE, r.code(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        Matcher m = Pattern.compile("^lockstep: train failed: .*line 32: class label 'label' is 7.*\\(full trace in (\\S+)\\)$")
                .matcher(r.err().strip());
        assertTrue(m.matches(), r.err());
        Path trace = Path.of(m.group(1));
        assertTrue(Files.readString(trace).contains("\tat dev.lockstep."), "the trace file holds the stack trace");
        Files.delete(trace);
    }
}
