package dev.lockstep.cli;

import dev.lockstep.testing.ExternalProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a main class of the test class path in a fresh JVM, as bin/lockstep does (same flags), bounded in
 * time; ExternalProcess kills it and its descendants on timeout or when the test is interrupted.
 */
final class CliProcess {
    private CliProcess() {}

    static ExternalProcess.Result run(Duration timeout, Class<?> main, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return ExternalProcess.run(timeout, new byte[0], command);
    }
}
