package dev.lockstep.cli;

import dev.lockstep.proto.v1.JobStatus;
import dev.lockstep.proto.v1.WorkerStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/** How {@code lockstep list} and {@code lockstep status} show jobs. */
final class JobTable {
    private JobTable() {}

    /** One row per job: id, state, workers (registered/expected), step (committed/train), reason. */
    static void list(PrintWriter out, List<JobStatus> jobs) {
        if (jobs.isEmpty()) {
            out.println("no jobs");
            return;
        }
        String row = "%-12s %-19s %-8s %-13s %s%n";
        out.printf(Locale.ROOT, row, "JOB", "STATE", "WORKERS", "STEP", "REASON");
        for (JobStatus j : jobs) {
            out.printf(Locale.ROOT, row, j.getJobId(), j.getState(), j.getRegisteredWorkers() + "/" + j.getWorldSize(),
                    steps(j), j.getReason());
        }
    }

    /** Everything about one job, a field a line, then a line per registered worker. */
    static void status(PrintWriter out, JobStatus j) {
        out.printf(Locale.ROOT, "job %s: %s%n", j.getJobId(), j.getState());
        if (!j.getReason().isEmpty()) {
            out.printf(Locale.ROOT, "  reason:     %s%n", j.getReason());
        }
        out.printf(Locale.ROOT, "  step:       %s committed%n", steps(j));
        out.printf(Locale.ROOT, "  epoch:      %d, restarts %d of %d%n", j.getEpoch(), j.getRestarts(), j.getMaxRestarts());
        out.printf(Locale.ROOT, "  checkpoint: %s%n", j.getCheckpointStep() > 0 ? "step " + j.getCheckpointStep() : "none yet");
        if (!j.getCommittedDataCursor().isEmpty()) {
            out.printf(Locale.ROOT, "  data:       after step %d at %s%n", j.getCommittedStep(),
                    position(j.getCommittedDataCursor().toByteArray()));
        }
        if (j.getMetricsCount() > 0) {
            StringBuilder b = new StringBuilder();
            new TreeMap<>(j.getMetricsMap()).forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s=%.6f", k, v)));
            out.printf(Locale.ROOT, "  metrics:   %s%n", b);
        }
        out.printf(Locale.ROOT, "  hash:       %s%n", j.getJobHash());
        out.printf(Locale.ROOT, "  workers:    %d of %d registered%n", j.getRegisteredWorkers(), j.getWorldSize());
        for (WorkerStatus w : j.getWorkersList()) {
            out.printf(Locale.ROOT, "    rank %-3d %-22s %-8s step %-8d %s%n", w.getRank(), w.getAddress(),
                    w.getDevice().isEmpty() ? "-" : w.getDevice(), w.getLastStep(),
                    Double.isNaN(w.getLastStepSeconds()) ? "" : String.format(Locale.ROOT, "%.3f s/step", w.getLastStepSeconds()));
        }
    }

    /** A data cursor's stage positions, source first (the same on every rank and world size). */
    private static String position(byte[] cursor) {
        try {
            return java.util.Arrays.deepToString(dev.lockstep.data.Cursor.fromBytes(cursor).stages());
        } catch (IllegalArgumentException e) {
            return "an unreadable position (" + cursor.length + " bytes)";
        }
    }

    private static String steps(JobStatus j) {
        return j.getCommittedStep() + (j.getTrainSteps() > 0 ? "/" + j.getTrainSteps() : "");
    }
}
