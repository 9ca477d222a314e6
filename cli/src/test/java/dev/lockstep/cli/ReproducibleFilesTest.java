package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.estimator.checkpoint.ModelDirLock;
import dev.lockstep.testing.ExternalProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identical runs write identical bytes, so checkpoints, exports and predictions can be compared by hash.
 * The safetensors metadata used to come from a Map.of, whose iteration order is salted per JVM, so each
 * run here is a JVM of its own ({@link Run}): train, export, and predict to CSV and JSON Lines.
 */
@Tag("slow") // starts other JVMs
class ReproducibleFilesTest {
    /** One run in a fresh JVM: {@code Run JOB.yaml DIR} writes DIR/model, DIR/export and DIR/predictions. */
    public static final class Run {
        public static void main(String[] args) {
            Path job = Path.of(args[0]), dir = Path.of(args[1]);
            String models = dir.resolve("model").toString();
            int code = Lockstep.run(out, err, "train", job.toString(), "--model-dir", models);
            if (code == Lockstep.OK) {
                code = Lockstep.run(out, err, "export", job.toString(), "--model-dir", models, "--dir",
                        dir.resolve("export").toString());
            }
            for (String output : new String[] {"pred.csv", "pred.jsonl"}) {
                if (code == Lockstep.OK) {
                    code = Lockstep.run(out, err, "predict", job.toString(), "--model-dir", models, "-o",
                            dir.resolve("predictions").resolve(output).toString());
                }
            }
            System.exit(code);
        }

        private static final PrintWriter out = new PrintWriter(System.out, true), err = new PrintWriter(System.err, true);
    }

    /** Every file but the writer's lock, which holds the writer's pid and start time by design. */
    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(dir::relativize)
                    .filter(p -> !p.getFileName().toString().equals(ModelDirLock.FILE_NAME)).sorted().toList();
        }
    }

    static void assertSameBytes(Path a, Path b) throws IOException {
        List<Path> names = files(a);
        assertEquals(names, files(b), "the same files in " + a + " and " + b);
        for (Path name : names) {
            assertArrayEquals(Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name)),
                    name + " differs between identical runs");
        }
    }

    @Test
    void identicalRunsWriteByteIdenticalCheckpointsExportsAndPredictions(@TempDir Path dir) throws Exception {
        Path job = CommandLineTest.spec(dir, CommandLineTest.GOOD.replace("steps: 20", "steps: 6")
                .replace("every_steps: 10", "every_steps: 3"));
        for (String run : new String[] {"a", "b"}) {
            ExternalProcess.Result r = CliProcess.run(Duration.ofSeconds(180), Run.class, job.toString(),
                    dir.resolve(run).toString());
            assertEquals(Lockstep.OK, r.exitCode(), r.stdout() + r.stderr());
        }
        List<Path> checkpoint = files(dir.resolve("a/model"));
        assertTrue(checkpoint.contains(Path.of("ckpt-6/model.safetensors"))
                && checkpoint.contains(Path.of("ckpt-6/manifest.json")), checkpoint.toString());
        assertEquals(List.of(Path.of("model.stablehlo.mlir"), Path.of("signature.json"),
                Path.of("weights.safetensors")), files(dir.resolve("a/export")));
        assertSameBytes(dir.resolve("a/model"), dir.resolve("b/model"));
        assertSameBytes(dir.resolve("a/export"), dir.resolve("b/export"));
        assertSameBytes(dir.resolve("a/predictions"), dir.resolve("b/predictions"));
    }
}
