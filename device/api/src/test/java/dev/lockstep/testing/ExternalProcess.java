package dev.lockstep.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external tool from a test with a deadline (invariant 6 holds for tests too): on timeout, on
 * an exception or when the test thread is interrupted, the process and all its descendants are killed
 * by their process handles, so a hung tool fails the test instead of hanging the build. Shipped in
 * device/api's test-jar, which every module with such tests already depends on.
 */
public final class ExternalProcess {
    /** Exit status and everything the process wrote. */
    public record Result(int exitCode, String stdout, String stderr) {}

    private ExternalProcess() {}

    /** Runs {@code command}, writing {@code stdin} to it; fails with an AssertionError after {@code timeout}. */
    public static Result run(Duration timeout, byte[] stdin, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).start();
        try {
            Thread writer = Thread.ofVirtual().start(() -> {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin);
                } catch (IOException e) {
                    // the process exited without reading its input; its exit status says why
                }
            });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread outReader = drain(p.getInputStream(), out);
            Thread errReader = drain(p.getErrorStream(), err);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                long killed = kill(p);
                throw new AssertionError(command + " did not finish within " + timeout.toSeconds() + " s; killed it and "
                        + killed + " descendant process(es). Output so far:\n" + out.toString(StandardCharsets.UTF_8)
                        + err.toString(StandardCharsets.UTF_8));
            }
            // Descendants that outlive the process may hold the pipes open: bound the wait for them too.
            writer.join(Duration.ofSeconds(5));
            outReader.join(Duration.ofSeconds(5));
            errReader.join(Duration.ofSeconds(5));
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            kill(p);
        }
    }

    /** Where {@code name} is on the PATH, if it is an executable file there. */
    public static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Kills the process's descendants, then the process, by handle; returns how many descendants there were. */
    static long kill(Process p) {
        List<ProcessHandle> descendants = p.descendants().toList();
        descendants.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return descendants.size();
    }

    private static Thread drain(InputStream from, ByteArrayOutputStream to) {
        return Thread.ofVirtual().start(() -> {
            try (from) {
                byte[] buf = new byte[8192];
                for (int n; (n = from.read(buf)) >= 0; ) {
                    synchronized (to) {
                        to.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // the pipe closed because the process was killed; what was read so far is reported
            }
        });
    }
}
