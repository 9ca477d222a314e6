package dev.lockstep.cli;

import dev.lockstep.proto.v1.JobEvent;
import dev.lockstep.proto.v1.JobState;
import dev.lockstep.proto.v1.JobStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Iterator;
import java.util.Locale;

/**
 * Follows a job's event log over Watch until the job ends. A stream that breaks (the coordinator restarting,
 * a network blip) is reopened from the next sequence number, at most {@value #MAX_RECONNECTS} times in a
 * row with a growing pause. Progress events are drawn as a bar on a terminal (like {@code lockstep train})
 * and printed one line each otherwise; workers' lines are prefixed by their rank.
 */
final class JobFollower {
    static final int MAX_RECONNECTS = 5;
    private static final long FIRST_PAUSE_MS = 200;
    private static final long MAX_PAUSE_MS = 3000;

    private final CoordinatorClient client;
    private final PrintWriter out;
    private final PrintWriter err;
    private boolean terminal;
    private boolean timestamps;
    private long trainSteps;
    private boolean barOpen;
    private long lastProgressStep = -1;
    private long lastProgressMs;
    private double secondsPerStep = Double.NaN;

    JobFollower(CoordinatorClient client, PrintWriter out, PrintWriter err) {
        this.client = client;
        this.out = out;
        this.err = err;
    }

    /** Follows {@code jobId} to its end; returns 0 if it SUCCEEDED, 1 if it FAILED or was CANCELLED. */
    int follow(String jobId, boolean terminal, boolean timestamps) {
        configure(terminal, timestamps, client.status(jobId).getTrainSteps());
        long next = 0;
        int failures = 0;
        JobStatus end = null;
        while (end == null) {
            try {
                Iterator<JobEvent> events = client.watch(jobId, next, true);
                while (events.hasNext()) {
                    JobEvent e = events.next();
                    next = e.getSeq() + 1;
                    failures = 0;
                    if (e.hasFinalStatus()) {
                        end = e.getFinalStatus();
                    } else {
                        print(e);
                    }
                }
                if (end == null) {
                    // The stream ended without the last event (it was trimmed, or the log began again when
                    // the coordinator restarted): ask for the job's state instead.
                    JobStatus now = client.status(jobId);
                    if (ended(now.getState())) {
                        end = now;
                    } else if (++failures > MAX_RECONNECTS) {
                        throw new CoordinatorProblem("the coordinator at " + client.address() + " kept ending the "
                                + "event stream of " + jobId + " while it is " + now.getState());
                    }
                }
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                if (code != Status.Code.UNAVAILABLE && code != Status.Code.INTERNAL && code != Status.Code.UNKNOWN
                        || ++failures > MAX_RECONNECTS) {
                    throw client.problem("Watch", e);
                }
                endBar();
                err.printf(Locale.ROOT, "lockstep: the event stream of %s from %s broke (%s); reconnecting from "
                        + "event %d (%d of %d)%n", jobId, client.address(), e.getStatus().getCode(), next, failures,
                        MAX_RECONNECTS);
                err.flush();
                pause(failures);
            }
        }
        return finish(end);
    }

    /** How events print: a bar on a terminal (never with timestamps), the job's length for the bar and ETA. */
    void configure(boolean terminal, boolean timestamps, long trainSteps) {
        this.terminal = terminal && !timestamps;
        this.timestamps = timestamps;
        this.trainSteps = trainSteps;
    }

    /** Prints the kept events of {@code jobId} once (no follow), with their times. */
    void printLog(String jobId) {
        configure(false, true, 0);
        try {
            Iterator<JobEvent> events = client.watch(jobId, 0, false);
            while (events.hasNext()) {
                print(events.next());
            }
        } catch (StatusRuntimeException e) {
            throw client.problem("Watch", e);
        }
        out.flush();
    }

    private int finish(JobStatus end) {
        endBar();
        String line = "job " + end.getJobId() + " " + end.getState() + " at step " + end.getCommittedStep()
                + (end.getReason().isEmpty() ? "" : ": " + end.getReason());
        out.flush();
        if (end.getState() == JobState.SUCCEEDED) {
            out.println(line);
            out.flush();
            return Lockstep.OK;
        }
        err.println("lockstep: " + line);
        err.flush();
        return Lockstep.RUNTIME_FAILURE;
    }

    void print(JobEvent e) {
        String prefix = timestamps ? Instant.ofEpochMilli(e.getTimeUnixMs()) + " " : "";
        if (e.getRank() < 0 && e.getStep() > 0 && terminal) {
            bar(e);
            return;
        }
        endBar();
        String line = e.getLine();
        if (e.getRank() >= 0) {
            StringBuilder b = new StringBuilder("[rank " + e.getRank() + "] " + line);
            if (line.isBlank()) {
                e.getMetricsMap().forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s=%.6f", k, v)));
            }
            line = b.toString();
        }
        out.println(prefix + line);
        out.flush();
    }

    private void bar(JobEvent e) {
        if (lastProgressStep >= 0 && e.getStep() > lastProgressStep && e.getTimeUnixMs() > lastProgressMs) {
            secondsPerStep = (e.getTimeUnixMs() - lastProgressMs) / 1000.0 / (e.getStep() - lastProgressStep);
        }
        lastProgressStep = e.getStep();
        lastProgressMs = e.getTimeUnixMs();
        long target = Math.max(1, trainSteps);
        int width = 30;
        int filled = (int) Math.min(width, Math.round(width * (double) e.getStep() / target));
        String eta = Double.isNaN(secondsPerStep) || trainSteps == 0 ? "?"
                : ProgressReporter.duration(secondsPerStep * Math.max(0, trainSteps - e.getStep()));
        out.printf(Locale.ROOT, "\r[%s%s] step %d/%s  %.0f ex/s  loss %.4f  ETA %s ", "=".repeat(filled),
                " ".repeat(width - filled), e.getStep(), trainSteps == 0 ? "?" : Long.toString(trainSteps),
                e.getExamplesPerSecond(), e.getMetricsOrDefault("loss", Double.NaN), eta);
        out.flush();
        barOpen = true;
    }

    private void endBar() {
        if (barOpen) {
            out.println();
            barOpen = false;
        }
    }

    private static boolean ended(JobState s) {
        return s == JobState.SUCCEEDED || s == JobState.FAILED || s == JobState.CANCELLED;
    }

    private static void pause(int failures) {
        long ms = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS << Math.min(failures - 1, 10));
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatorProblem("interrupted while reconnecting to the coordinator");
        }
    }
}
