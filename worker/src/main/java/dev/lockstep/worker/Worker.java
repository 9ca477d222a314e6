package dev.lockstep.worker;

import dev.lockstep.estimator.Listener;
import dev.lockstep.job.JobSpec;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A worker process's life: asks the coordinator for a job, builds the model from the job's spec, traces
 * it and reports ready (model fingerprint, resume step), joins the ring once every rank is ready, starts
 * from rank 0's values and trains: gradient program, all-reduce, apply, commit, every step, until the
 * job's last step. When the coordinator restarts the job (a worker died and restarts remain) this
 * process registers again and resumes from the newest checkpoint; when it stops the job, the worker
 * ends with the coordinator's reason. Every wait is bounded (invariant 6).
 */
public final class Worker {
    /** How a worker ended: its job succeeded, failed (with the reason) or this process was asked to stop. */
    public record Outcome(Kind kind, String jobId, String message) {
        public enum Kind { SUCCEEDED, FAILED, STOPPED }
    }

    /** What an attempt tells the worker about its job, and which listeners to add (progress, metrics). */
    public interface Observer {
        /** Called once per attempt, after the job is known and before training: listeners to add for this rank. */
        default List<Listener> listeners(String jobId, int rank, int worldSize, JobSpec spec, ReduceStats reduce) {
            return List.of();
        }

        default void line(String text) {}
    }

    private final WorkerConfig config;
    private final Observer observer;
    private final BooleanSupplier stopRequested;

    public Worker(WorkerConfig config, Observer observer, BooleanSupplier stopRequested) {
        this.config = Objects.requireNonNull(config, "config");
        this.observer = Objects.requireNonNull(observer, "observer");
        this.stopRequested = Objects.requireNonNull(stopRequested, "stopRequested");
    }

    /** Runs attempts of one job until it ends for this worker. */
    public Outcome run() {
        try (CoordinatorLink link = new CoordinatorLink(config.coordinator(), config.rpcTimeout(), config.security())) {
            String jobId = config.job();
            Attempt.Result last = null;
            for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
                last = new Attempt(config, link, observer, stopRequested, jobId).run();
                if (last.restart() == null) {
                    return last.outcome();
                }
                jobId = last.jobId();
                observer.line("job " + jobId + " restarts: " + last.restart() + "; registering again");
            }
            return new Outcome(Outcome.Kind.FAILED, jobId, "gave up after " + config.maxAttempts()
                    + " attempts; the last restart was: " + last.restart());
        }
    }
}
