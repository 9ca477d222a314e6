package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.estimator.Listener;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a terminal shows of the progress bar: the evaluation line used to be glued onto the bar, and
 * checkpoint lines were not shown at all.
 */
class ProgressReporterTest {
    /** The lines a terminal displays for this output: '\r' returns to column 0 and overwrites, '\n' ends a line. */
    static List<String> terminalLines(String output) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int column = 0;
        for (char c : output.toCharArray()) {
            if (c == '\n') {
                lines.add(line.toString().stripTrailing());
                line.setLength(0);
                column = 0;
            } else if (c == '\r') {
                column = 0;
            } else {
                if (column < line.length()) {
                    line.setCharAt(column, c);
                } else {
                    line.append(c);
                }
                column++;
            }
        }
        if (!line.isEmpty()) {
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }

    static Listener.StepEvent step(long step) {
        return new Listener.StepEvent(step, Map.of("loss", 0.5), 32, 0.01, 0.0, 0.1);
    }

    @Test
    void onATerminalEvaluationAndCheckpointLinesStartOnTheirOwnLine() {
        StringWriter sink = new StringWriter();
        ProgressReporter p = new ProgressReporter(new PrintWriter(sink, true), true, 20, 5);
        for (long s = 1; s <= 10; s++) {
            p.onStep(step(s));
        }
        p.onCheckpoint(new Listener.CheckpointEvent(10, Path.of("runs/job/ckpt-10"), 1234, 0.05));
        p.onEvaluation(new Listener.EvaluationEvent(10, Map.of("accuracy", 0.75), 64));
        for (long s = 11; s <= 20; s++) {
            p.onStep(step(s));
        }
        p.onCheckpoint(new Listener.CheckpointEvent(20, Path.of("runs/job/ckpt-20"), 1234, 0.05));

        List<String> lines = terminalLines(sink.toString());
        assertEquals(5, lines.size(), "bar, checkpoint, evaluation, bar, checkpoint:\n" + String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("[") && lines.get(0).contains("step 10/20"), lines.get(0));
        assertEquals("checkpoint step 10 written to " + Path.of("runs/job/ckpt-10") + " (1234 bytes, 0.050 s)",
                lines.get(1));
        assertEquals("evaluation at step 10 over 64 examples: accuracy=0.750000", lines.get(2));
        assertTrue(lines.get(3).startsWith("[") && lines.get(3).contains("step 20/20"), lines.get(3));
        assertTrue(lines.get(4).startsWith("checkpoint step 20 written to"), lines.get(4));
    }

    @Test
    void withoutATerminalCheckpointAndEvaluationLinesFollowTheLogLines() {
        StringWriter sink = new StringWriter();
        ProgressReporter p = new ProgressReporter(new PrintWriter(sink, true), false, 10, 5);
        for (long s = 1; s <= 5; s++) {
            p.onStep(step(s));
        }
        p.onCheckpoint(new Listener.CheckpointEvent(5, Path.of("ckpt-5"), 10, 0.01));
        p.onEvaluation(new Listener.EvaluationEvent(5, Map.of("loss", 0.25), 8));
        List<String> lines = terminalLines(sink.toString());
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("step 5/10 loss=0.500000"), lines.get(0));
        assertTrue(lines.get(1).startsWith("checkpoint step 5 written to ckpt-5"), lines.get(1));
        assertEquals("evaluation at step 5 over 8 examples: loss=0.250000", lines.get(2));
    }
}
