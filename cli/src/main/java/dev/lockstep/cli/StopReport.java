package dev.lockstep.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What {@code train} says when a signal stopped it: where the work is saved, and the exit code. */
final class StopReport {
    private StopReport() {}

    static int print(PrintWriter err, GracefulStop stop, long step, Path modelDir) {
        Path ckpt = modelDir.resolve("ckpt-" + step);
        if (Files.isDirectory(ckpt)) {
            err.printf(Locale.ROOT, "lockstep: stopped by %s at step %d; checkpoint saved in %s; train again to "
                    + "resume%n", stop.received(), step, ckpt);
        } else {
            err.printf(Locale.ROOT, "lockstep: stopped by %s at step %d, before any step ran; nothing to save%n",
                    stop.received(), step);
        }
        err.flush();
        return stop.exitCode();
    }
}
