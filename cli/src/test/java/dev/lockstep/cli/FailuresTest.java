package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Issue 9, item 4: an OutOfMemoryError ended a command as a bare stack trace; now it is one line and a file. */
class FailuresTest {
    @Test
    void anOutOfMemoryErrorIsOneLineWithTheCauseAndTheTraceFile() throws Exception {
        StringWriter err = new StringWriter();
        Error oom = new OutOfMemoryError("Java heap space");
        int code = Failures.report(new PrintWriter(err), "train",
                new picocli.CommandLine.ExecutionException(new picocli.CommandLine(new Lockstep()), "wrapped", oom));
        assertEquals(Lockstep.RUNTIME_FAILURE, code);
        String line = err.toString().strip();
        assertEquals(1, line.lines().count(), line);
        Matcher m = Pattern.compile("lockstep: train failed: java.lang.OutOfMemoryError: Java heap space \\(the JVM ran "
                + "out of memory; run `lockstep validate` on the spec, or give the JVM more with -Xmx\\) \\(full trace "
                + "in (\\S+)\\)").matcher(line);
        assertTrue(m.matches(), line);
        Path trace = Path.of(m.group(1));
        assertTrue(Files.readString(trace).contains("OutOfMemoryError"));
        Files.delete(trace);
    }

    @Test
    void theRootCauseIsOnTheSameLine() {
        var e = new IllegalStateException("step 3 failed", new java.io.IOException("disk\nfull"));
        assertEquals("java.lang.IllegalStateException: step 3 failed; caused by java.io.IOException: disk full",
                Failures.summary(e));
    }
}
