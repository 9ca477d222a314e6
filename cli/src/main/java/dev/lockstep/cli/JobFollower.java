package dev.lockstep.cli;

import dev.lockstep.coordinator.Coordinator;
import dev.lockstep.proto.v1.JobState;
import dev.lockstep.proto.v1.JobStatus;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/** PROVISIONAL: follows a job by polling its status (to be replaced by the Watch stream). */
final class JobFollower {
    private JobFollower() {}

    static int follow(Coordinator coordinator, String jobId, PrintWriter out, PrintWriter err, boolean terminal,
                      BooleanSupplier stop, WorkerProcesses procs) throws InterruptedException {
        long lastStep = -1;
        while (!stop.getAsBoolean()) {
            JobStatus s = coordinator.status(jobId);
            if (s.getCommittedStep() != lastStep) {
                lastStep = s.getCommittedStep();
                out.printf(Locale.ROOT, "step %d %s%n", lastStep, s.getMetricsMap());
                out.flush();
            }
            switch (s.getState()) {
                case SUCCEEDED -> {
                    out.println("job " + jobId + " succeeded: " + s.getReason());
                    return Lockstep.OK;
                }
                case FAILED, CANCELLED -> {
                    err.println("lockstep: job " + jobId + " " + s.getState() + ": " + s.getReason());
                    return Lockstep.RUNTIME_FAILURE;
                }
                default -> { }
            }
            procs.replaceFailed();
            Thread.sleep(200);
        }
        return Lockstep.RUNTIME_FAILURE;
    }
}
