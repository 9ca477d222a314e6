package dev.lockstep.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Unexpected failures end as one line on stderr with the cause and the file holding the full stack trace
 * (under the system temp directory), never as a bare stack trace: a user needs the cause, a bug report the
 * trace.
 */
final class Failures {
    private Failures() {}

    /** Reports {@code failure} of {@code command} and returns the exit code for a runtime failure. */
    static int report(PrintWriter err, String command, Throwable failure) {
        Throwable e = failure instanceof CommandLine.ExecutionException && failure.getCause() != null
                ? failure.getCause() : failure;
        err.println("lockstep: " + command + " failed: " + summary(e) + " (" + saveTrace(command, failure) + ")");
        err.flush();
        return Lockstep.RUNTIME_FAILURE;
    }

    /** The exception and its root cause, on one line. */
    static String summary(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String s = describe(e);
        if (e instanceof OutOfMemoryError) {
            s += " (the JVM ran out of memory; run `lockstep validate` on the spec, or give the JVM more with -Xmx)";
        }
        return root == e ? s : s + "; caused by " + describe(root);
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        String line = t.getClass().getName() + (m == null ? "" : ": " + m);
        return line.replace('\n', ' ').replace('\r', ' ');
    }

    private static String saveTrace(String command, Throwable t) {
        try {
            Path file = Files.createTempFile("lockstep-" + command.replaceAll("[^A-Za-z0-9_-]", "_") + "-", ".trace");
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            Files.writeString(file, trace.toString());
            return "full trace in " + file;
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            return "could not write the full trace: " + e;
        }
    }
}
