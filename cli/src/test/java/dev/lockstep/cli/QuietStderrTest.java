package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.testing.ExternalProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * stderr is for what the user needs: every command used to print TensorFlow's oneDNN notice (its native
 * library was loaded to probe device xla-cpu, even for jobs on cpu) and three SLF4J warnings (no binding).
 * Both go to the process's own stderr, not the command's writer, so this runs the CLI as a child process.
 */
@Tag("slow") // starts other JVMs
class QuietStderrTest {
    @Test
    void validateOnCpuPrintsNoOneDnnNoticeOrSlf4jWarnings(@TempDir Path dir) throws Exception {
        Path job = dir.resolve("quickstart.yaml");
        Files.copy(Path.of("../examples/quickstart.yaml"), job);
        ExternalProcess.Result r = CliProcess.run(Duration.ofSeconds(120), Lockstep.class, "validate", job.toString());
        assertEquals(Lockstep.OK, r.exitCode(), r.stderr());
        assertTrue(r.stdout().startsWith(job + ": ok (device cpu"), r.stdout());
        assertTrue(!r.stderr().contains("oneDNN") && !r.stderr().contains("SLF4J"), "stderr:\n" + r.stderr());
        // The JVM's own "Picked up JAVA_TOOL_OPTIONS" notice comes from the environment of the build, not from us.
        String ours = r.stderr().lines().filter(l -> !l.startsWith("Picked up ")).collect(Collectors.joining("\n"));
        assertEquals("", ours, "nothing on stderr for a valid spec");
    }
}
