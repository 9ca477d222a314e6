package dev.lockstep.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests waited on promtool and Python with no deadline, or killed only the parent of a hung pipeline. */
class ExternalProcessTest {
    @Test
    void collectsExitStatusStdoutAndStderrAndFeedsStdin() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
        var r = ExternalProcess.run(Duration.ofSeconds(30), "in\n".getBytes(StandardCharsets.UTF_8),
                List.of("/bin/sh", "-c", "cat; echo err >&2; exit 3"));
        assertEquals(3, r.exitCode());
        assertEquals("in\n", r.stdout());
        assertEquals("err\n", r.stderr());
    }

    @Test
    void hungProcessAndItsDescendantsAreKilledAtTheDeadline(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
        Path pid = dir.resolve("child.pid");
        long start = System.nanoTime();
        var e = assertThrows(AssertionError.class, () -> ExternalProcess.run(Duration.ofSeconds(1), new byte[0],
                List.of("/bin/sh", "-c", "sleep 60 & echo $! > " + pid + "; wait")));
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "took " + (System.nanoTime() - start) / 1e9 + " s");
        assertTrue(e.getMessage().contains("did not finish within 1 s") && e.getMessage().contains("1 descendant"),
                e.getMessage());
        long child = Long.parseLong(Files.readString(pid).trim());
        var handle = ProcessHandle.of(child);
        if (handle.isPresent()) {
            handle.get().onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "sleep " + child + " survived");
    }
}
