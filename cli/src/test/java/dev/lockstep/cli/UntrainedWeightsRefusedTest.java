package dev.lockstep.cli;

import static dev.lockstep.cli.CommandLineTest.GOOD;
import static dev.lockstep.cli.CommandLineTest.run;
import static dev.lockstep.cli.CommandLineTest.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.cli.CommandLineTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 1: evaluate, predict and export used to run on freshly initialised weights and exit 0
 * when the model directory had no checkpoint, only corrupt ones, or one that no longer matched the spec.
 */
class UntrainedWeightsRefusedTest {
    @TempDir
    Path dir;

    /** The three reading commands against {@code job}, with extra arguments. */
    private List<Result> readers(Path job, String... extra) {
        return List.of(
                run(concat(new String[] {"evaluate", job.toString()}, extra)),
                run(concat(new String[] {"predict", job.toString(), "-o", dir.resolve("p.csv").toString()}, extra)),
                run(concat(new String[] {"export", job.toString(), "--dir", dir.resolve("export").toString()}, extra)));
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    @Test
    void aMistypedModelDirIsAUsageErrorNamingTheDirectoryNotAnEvaluationOfStep0() throws Exception {
        Path job = spec(dir, GOOD);
        Path typo = dir.resolve("runs/jbo");
        for (Result r : readers(job, "--model-dir", typo.toString())) {
            assertEquals(Lockstep.USAGE, r.code(), r.out() + r.err());
            assertTrue(r.err().contains(typo.toString()) && r.err().contains("does not exist"), r.err());
            assertTrue(r.err().contains("--allow-untrained"), r.err());
            assertFalse(r.out().contains("step 0"), r.out());
        }
        assertFalse(Files.exists(dir.resolve("p.csv")));
        assertFalse(Files.exists(dir.resolve("export/weights.safetensors")));
    }

    @Test
    void allowUntrainedRunsOnInitialWeightsWhenAskedExplicitly() throws Exception {
        Path job = spec(dir, GOOD);
        for (Result r : readers(job, "--allow-untrained")) {
            assertEquals(Lockstep.OK, r.code(), r.err());
            assertTrue(r.out().contains("step 0"), r.out());
        }
    }

    @Test
    void onlyCorruptCheckpointsAreAUsageErrorNotRandomWeights() throws Exception {
        Path job = spec(dir, GOOD);
        assertEquals(Lockstep.OK, run("train", job.toString()).code());
        Path models = dir.resolve("runs/job");
        try (Stream<Path> s = Files.list(models)) {
            for (Path ckpt : s.filter(p -> p.getFileName().toString().startsWith("ckpt-")).toList()) {
                Files.writeString(ckpt.resolve("model.safetensors"), "truncated");
            }
        }
        for (Result r : readers(job)) {
            assertEquals(Lockstep.USAGE, r.code(), r.out() + r.err());
            assertTrue(r.err().contains("no valid checkpoint in the model directory " + models), r.err());
        }
    }

    @Test
    void aRenamedLayerFailsListingTheMissingAndUnexpectedPathsInsteadOfExportingRandomWeights() throws Exception {
        Path job = spec(dir, GOOD);
        assertEquals(Lockstep.OK, run("train", job.toString()).code());
        Path renamed = spec(dir, GOOD.replace("name: hidden", "name: hidden2"));
        for (Result r : readers(renamed)) {
            assertEquals(Lockstep.USAGE, r.code(), r.out() + r.err());
            assertTrue(r.err().contains("missing hidden2/kernel") && r.err().contains("unexpected hidden/kernel"),
                    r.err());
            assertTrue(r.err().contains(dir.resolve("runs/job/ckpt-20").toString()), r.err());
            assertFalse(r.out().contains("exported step"), r.out());
        }
    }
}
