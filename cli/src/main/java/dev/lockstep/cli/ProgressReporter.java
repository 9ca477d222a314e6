package dev.lockstep.cli;

import dev.lockstep.estimator.Listener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Training progress: a redrawn bar (steps, examples/s, loss, ETA) when attached to a terminal, plain
 * log lines every {@code logEvery} steps otherwise (so logs stay greppable). Evaluation, checkpoint and
 * warning lines are printed in both modes, each on a line of its own.
 */
final class ProgressReporter implements Listener {
    private final PrintWriter out;
    private final boolean terminal;
    private final long targetStep;
    private final long logEvery;
    private final long startNanos = System.nanoTime();
    private long startStep = -1;
    private long examples;
    /** True while the cursor sits at the end of a drawn bar, where any other text would be glued on. */
    private boolean barOpen;

    ProgressReporter(PrintWriter out, boolean terminal, long targetStep, long logEvery) {
        this.out = out;
        this.terminal = terminal;
        this.targetStep = targetStep;
        this.logEvery = logEvery;
    }

    @Override
    public void onStep(StepEvent e) {
        if (startStep < 0) {
            startStep = e.step() - 1;
        }
        examples += e.examples();
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        long done = e.step() - startStep;
        double perSecond = examples / Math.max(elapsed, 1e-9);
        double eta = done == 0 ? 0 : elapsed / done * Math.max(0, targetStep - e.step());
        double loss = e.metrics().getOrDefault("loss", Double.NaN);
        if (e.corruptRecordsSkipped() > 0) {
            // Its own line in both modes: a skipped record is data lost, so it must not scroll by unseen.
            endBar();
            out.printf(Locale.ROOT, "warning: step %d skipped %d corrupt input record(s); last: %s%n",
                    e.step(), e.corruptRecordsSkipped(), e.lastCorruption());
        }
        if (terminal) {
            int width = 30;
            int filled = (int) Math.min(width, Math.round(width * (double) e.step() / Math.max(1, targetStep)));
            out.printf(Locale.ROOT, "\r[%s%s] step %d/%d  %.0f ex/s  loss %.4f  ETA %s ", "=".repeat(filled),
                    " ".repeat(width - filled), e.step(), targetStep, perSecond, loss, duration(eta));
            out.flush();
            barOpen = true;
            if (e.step() >= targetStep) {
                endBar();
            }
        } else if (e.step() % logEvery == 0 || e.step() >= targetStep) {
            out.printf(Locale.ROOT, "step %d/%d loss=%.6f data_loss=%.6f regularization_loss=%.6f lr=%.6g "
                            + "examples_per_s=%.1f data_wait_s=%.4f%n", e.step(), targetStep, loss,
                    e.metrics().getOrDefault("data_loss", Double.NaN),
                    e.metrics().getOrDefault("regularization_loss", Double.NaN), e.learningRate(), perSecond,
                    e.dataWaitSeconds());
        }
    }

    @Override
    public void onEvaluation(EvaluationEvent e) {
        StringBuilder b = new StringBuilder("evaluation at step " + e.step() + " over " + e.examples() + " examples:");
        e.metrics().forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s=%.6f", k, v)));
        endBar();
        out.println(b);
    }

    @Override
    public void onCheckpoint(CheckpointEvent e) {
        // Shown on a terminal too: where the work is saved is what a user needs after an interruption.
        endBar();
        out.printf(Locale.ROOT, "checkpoint step %d written to %s (%d bytes, %.3f s)%n", e.step(), e.directory(),
                e.bytes(), e.seconds());
    }

    /** Ends the bar's line (its last state stays visible) so the next text starts a line of its own. */
    private void endBar() {
        if (barOpen) {
            out.println();
            barOpen = false;
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
