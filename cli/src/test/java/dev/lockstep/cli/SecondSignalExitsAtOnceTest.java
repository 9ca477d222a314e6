package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OS delivery is SigtermCheckpointsTest's; this pins what the first and second signal do. */
class SecondSignalExitsAtOnceTest {
    @Test
    void aFirstSignalRequestsAStopAndASecondHaltsAtOnceWithItsCode() {
        StringWriter text = new StringWriter();
        List<Integer> halts = new ArrayList<>();
        GracefulStop stop = new GracefulStop(new PrintWriter(text, true), halts::add);

        stop.onSignal("SIGINT", 2);
        assertTrue(stop.getAsBoolean(), "the first Ctrl-C requests a stop");
        assertEquals(List.of(), halts, "the first Ctrl-C lets the step finish and the checkpoint be written");
        assertEquals(GracefulStop.SIGINT_EXIT, stop.exitCode());

        stop.onSignal("SIGINT", 2);
        assertEquals(List.of(130), halts, "a second Ctrl-C exits at once with 128 + 2");
        assertTrue(text.toString().contains("SIGINT again: exiting at once"), text.toString());
    }

    @Test
    void sigtermThenSigintHaltsWithTheSecondSignalsCode() {
        List<Integer> halts = new ArrayList<>();
        GracefulStop stop = new GracefulStop(new PrintWriter(new StringWriter(), true), halts::add);
        stop.onSignal("SIGTERM", 15);
        assertEquals(GracefulStop.SIGTERM_EXIT, stop.exitCode());
        stop.onSignal("SIGINT", 2);
        assertEquals(List.of(130), halts);
    }
}
