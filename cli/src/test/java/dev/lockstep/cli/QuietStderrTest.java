package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.testing.ExternalProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * stderr is for what the user needs: every command used to print TensorFlow's oneDNN notice (its native
 * library was loaded to probe device xla-cpu, even for jobs on cpu) and three SLF4J warnings (no binding).
 * Both go to the process's own stderr, not the command's writer, so this runs the CLI as a child process
 * on the test class path (no network; bounded, and killed on timeout by ExternalProcess).
 */
class QuietStderrTest {
    @Test
    void validateOnCpuPrintsNoOneDnnNoticeOrSlf4jWarnings(@TempDir Path dir) throws Exception {
        Path job = dir.resolve("quickstart.yaml");
        Files.copy(Path.of("../examples/quickstart.yaml"), job);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ExternalProcess.Result r = ExternalProcess.run(Duration.ofSeconds(120), new byte[0], List.of(java.toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), Lockstep.class.getName(), "validate", job.toString()));
        assertEquals(Lockstep.OK, r.exitCode(), r.stderr());
        assertTrue(r.stdout().startsWith(job + ": ok (device cpu"), r.stdout());
        assertTrue(!r.stderr().contains("oneDNN") && !r.stderr().contains("SLF4J"), "stderr:\n" + r.stderr());
        assertEquals("", r.stderr(), "nothing on stderr for a valid spec");
    }
}
