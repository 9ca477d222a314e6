package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to {@code lockstep local} cancels the job, stops every worker process it started, and exits 143. */
@Tag("slow")
class LocalSignalTest {
    @Test
    void sigtermCancelsTheJobAndStopsEveryWorker(@TempDir Path dir) throws Exception {
        Path job = LocalTrainingTest.write(dir, "job.yaml", LocalTrainingTest.mlp(dir.resolve("model"), 100000, 1000,
                "distributed: {workers: 2}"));
        Path out = dir.resolve("out.txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), Lockstep.class.getName(), "local", "--state-dir",
                dir.resolve("state").toString(), job.toString()));
        Process local = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        List<ProcessHandle> workers = new ArrayList<>();
        try {
            Matcher pids = KillWorkerTest.await(Pattern.compile("pids \\[([0-9, ]+)]"), () -> KillWorkerTest.read(out),
                    Duration.ofSeconds(90));
            for (String p : pids.group(1).split(",\\s*")) {
                ProcessHandle.of(Long.parseLong(p)).ifPresent(workers::add);
            }
            assertEquals(2, workers.size(), "both workers alive: " + KillWorkerTest.read(out));
            KillWorkerTest.await(Pattern.compile("step [1-9]\\d*/"), () -> KillWorkerTest.read(out), Duration.ofSeconds(120));
            local.toHandle().destroy(); // SIGTERM
            assertTrue(local.waitFor(60, TimeUnit.SECONDS), "lockstep local did not exit after SIGTERM");
            String text = KillWorkerTest.read(out);
            assertEquals(143, local.exitValue(), text);
            assertTrue(text.contains("cancelled"), text);
            for (ProcessHandle w : workers) {
                assertTrue(!w.isAlive(), "worker " + w.pid() + " outlived lockstep local");
            }
        } finally {
            local.destroyForcibly();
            workers.forEach(ProcessHandle::destroyForcibly);
            local.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
