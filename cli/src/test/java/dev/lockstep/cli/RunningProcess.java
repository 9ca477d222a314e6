package dev.lockstep.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process a test started and must stop: its output goes to a log file the test reads while it runs;
 * {@link #close} stops it and its descendants by pid (SIGTERM, then SIGKILL after 15 s), even when the test failed.
 */
final class RunningProcess implements AutoCloseable {
    final Process process;
    final Path log;

    private RunningProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static RunningProcess start(Path log, List<String> command) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "1");
        return new RunningProcess(pb.start(), log);
    }

    /** {@code lockstep ARGS} in a fresh JVM on the test class path, as bin/lockstep starts it. */
    static RunningProcess lockstep(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), Lockstep.class.getName()));
        command.addAll(List.of(args));
        return start(log, command);
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** The first group of {@code pattern} in the output, waiting for it up to {@code within}. */
    String await(Pattern pattern, Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        do {
            Matcher m = pattern.matcher(output());
            if (m.find()) {
                return m.group(1);
            }
            if (!process.isAlive()) {
                m = pattern.matcher(output());
                if (m.find()) {
                    return m.group(1);
                }
                throw new AssertionError("pid " + process.pid() + " exited with " + process.exitValue() + " before "
                        + pattern + " appeared; its output:\n" + output());
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no " + pattern + " within " + within + " in the output of pid " + process.pid()
                + ":\n" + output());
    }

    /** Its exit code, waiting up to {@code within} (then it fails the test; close stops the process). */
    int awaitExit(Duration within) throws InterruptedException, IOException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("pid " + process.pid() + " still runs after " + within + "; its output:\n" + output());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (ProcessHandle p : all) {
            long left = deadline - System.nanoTime();
            try {
                p.onExit().get(Math.max(1, left), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                p.destroyForcibly();
            }
        }
    }
}
