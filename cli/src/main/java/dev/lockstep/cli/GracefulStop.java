package dev.lockstep.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGTERM (Kubernetes stopping a pod) and the first Ctrl-C (SIGINT) into a stop request the
 * training loop checks between steps, so it finishes the step under way, checkpoints and exits with
 * {@link #exitCode()} instead of losing everything since the last save. A second signal exits at once.
 *
 * <p>Uses {@code sun.misc.Signal} (module jdk.unsupported, still supported on JDK 25): a shutdown hook
 * cannot do this, because by the time hooks run the JVM is already exiting and the exit code is fixed,
 * and {@code jdk.internal.misc.Signal} is not exported. The handlers are installed for one command and
 * the previous ones restored by {@link #close()}, so embedding {@code Lockstep.run} leaves the JVM as it was.
 */
final class GracefulStop implements BooleanSupplier, AutoCloseable {
    /** Exit codes after a clean save: 128 + the signal number, as a shell reports a signal's death. */
    static final int SIGINT_EXIT = 130;
    static final int SIGTERM_EXIT = 143;

    private final PrintWriter err;
    private final IntConsumer halt;
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private volatile String received;

    /** {@code halt} ends the process at a second signal (Runtime.halt; a test passes a recorder). */
    GracefulStop(PrintWriter err, IntConsumer halt) {
        this.err = err;
        this.halt = halt;
    }

    /** Installs the handlers for TERM and INT (a signal the platform does not have is skipped). */
    static GracefulStop install(PrintWriter err) {
        GracefulStop stop = new GracefulStop(err, code -> Runtime.getRuntime().halt(code));
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal signal = new Signal(name);
                stop.previous.put(signal, Signal.handle(signal, stop::handle));
            } catch (IllegalArgumentException e) {
                // not available here (or reserved, e.g. under -Xrs): that signal keeps its default behaviour
            }
        }
        return stop;
    }

    private void handle(Signal signal) {
        onSignal("SIG" + signal.getName(), signal.getNumber());
    }

    /** What a delivered signal does: the first requests a stop, a second halts with 128 + its number. */
    void onSignal(String name, int number) {
        if (received != null) {
            err.println("lockstep: " + name + " again: exiting at once; progress since the last checkpoint is lost");
            err.flush();
            halt.accept(128 + number);
            return;
        }
        received = name;
        err.println("lockstep: " + name + " received: finishing the current step, then saving a checkpoint "
                + "(send it again to exit at once)");
        err.flush();
    }

    /** Whether a stop was requested. */
    @Override
    public boolean getAsBoolean() {
        return received != null;
    }

    /** The signal that requested the stop (SIGTERM or SIGINT), or null. */
    String received() {
        return received;
    }

    /** The exit code for the stop that happened: {@link #SIGTERM_EXIT} or {@link #SIGINT_EXIT}. */
    int exitCode() {
        return "SIGINT".equals(received) ? SIGINT_EXIT : SIGTERM_EXIT;
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
