package dev.lockstep.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Where refused calls are reported: one line each on {@code err}, at most {@value #BURST} per
 * {@value #WINDOW_SECONDS} s, so that a client hammering the port cannot flood the log; the number left
 * out is reported with the next line that gets through.
 */
final class RefusalLog implements Consumer<String> {
    static final int BURST = 20;
    static final long WINDOW_SECONDS = 10;

    private final PrintWriter err;
    private final String prefix;
    private final LongSupplier nanos;
    private long windowStart;
    private int inWindow;
    private long suppressed;

    RefusalLog(PrintWriter err, String prefix) {
        this(err, prefix, System::nanoTime);
    }

    RefusalLog(PrintWriter err, String prefix, LongSupplier nanos) {
        this.err = err;
        this.prefix = prefix;
        this.nanos = nanos;
        this.windowStart = nanos.getAsLong();
    }

    @Override
    public synchronized void accept(String line) {
        long now = nanos.getAsLong();
        if (now - windowStart >= WINDOW_SECONDS * 1_000_000_000L) {
            windowStart = now;
            inWindow = 0;
        }
        if (inWindow >= BURST) {
            suppressed++;
            return;
        }
        inWindow++;
        err.println(prefix + line + (suppressed == 0 ? "" : " (and " + suppressed + " more refusals not shown)"));
        err.flush();
        suppressed = 0;
    }
}
