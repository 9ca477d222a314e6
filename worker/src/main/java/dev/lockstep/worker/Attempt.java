package dev.lockstep.worker;

import dev.lockstep.estimator.Builder;
import dev.lockstep.estimator.Estimator;
import dev.lockstep.estimator.Replica;
import dev.lockstep.estimator.RunConfig;
import dev.lockstep.estimator.TrainingStart;
import dev.lockstep.estimator.job.Job;
import dev.lockstep.estimator.job.JobBuilder;
import dev.lockstep.job.JobSpec;
import dev.lockstep.proto.v1.FailureReport;
import dev.lockstep.proto.v1.JobState;
import dev.lockstep.proto.v1.JobStatus;
import dev.lockstep.proto.v1.Membership;
import dev.lockstep.proto.v1.RegisterWorkerRequest;
import dev.lockstep.proto.v1.RegisterWorkerResponse;
import dev.lockstep.proto.v1.WorkerLog;
import dev.lockstep.proto.v1.WorkerReadyRequest;
import dev.lockstep.worker.Worker.Observer;
import dev.lockstep.worker.Worker.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** One attempt: register, build, ready, ring, train; a restart ends it with {@code restart} set. */
final class Attempt {
    record Result(Outcome outcome, String jobId, String restart) {}

    private final WorkerConfig config;
    private final CoordinatorLink link;
    private final Observer observer;
    private final BooleanSupplier stopRequested;
    private final String jobHint;
    /** This attempt's rank, once registered. */
    private int rank = -1;

    Attempt(WorkerConfig config, CoordinatorLink link, Observer observer, BooleanSupplier stopRequested,
            String jobHint) {
        this.config = config;
        this.link = link;
        this.observer = observer;
        this.stopRequested = stopRequested;
        this.jobHint = jobHint;
    }

    Result run() {
        try (Endpoint endpoint = Endpoint.listen(config.listenHost(), config.transport(), config.security().peers())) {
            RegisterWorkerRequest.Builder request = RegisterWorkerRequest.newBuilder().setJobId(jobHint)
                    .setAddress(endpoint.address()).setDevice(config.device().orElse("the job's device"))
                    .setLockstepVersion(config.version());
            config.rank().ifPresent(request::setRequestedRank);
            RegisterWorkerResponse reg = link.register(request.build(), config.joinTimeout(), System::nanoTime,
                    stopRequested);
            if (reg == null) {
                return new Result(new Outcome(Outcome.Kind.STOPPED, jobHint, "stopped by a signal before joining a job"),
                        jobHint, null);
            }
            String jobId = reg.getJobId();
            rank = reg.getRank();
            JobSpec spec = JobSpec.parse(reg.getCanonicalSpec(), Path.of("/"));
            Duration interval = Duration.ofMillis(Math.max(50, reg.getHeartbeatIntervalMs()));
            try (RingReducer reducer = new RingReducer(config.collective(), spec.distributed().bucketBytes(),
                    reg.getMembership().getWorldSize());
                 Heartbeats heartbeats = new Heartbeats(link, jobId, rank, reg.getMembership(), interval,
                    interval.multipliedBy(20), s -> reducer.abort("rank " + reg.getRank() + " was told to "
                    + s.kind().name().toLowerCase(java.util.Locale.ROOT) + ": " + s.reason()))) {
                return train(endpoint, reg, spec, reducer, heartbeats);
            }
        }
    }

    private Result train(Endpoint endpoint, RegisterWorkerResponse reg, JobSpec spec, RingReducer reducer,
                         Heartbeats heartbeats) {
        String jobId = reg.getJobId();
        int world = reg.getMembership().getWorldSize();
        Replica replica = new Replica(rank, world);
        Estimator estimator = null;
        StepCommits commits = null;
        try {
            // Inside the try: a spec this host cannot build (data missing here) is reported, not a silence.
            Job job = JobBuilder.build(spec, replica);
            if (config.device().isPresent()) {
                RunConfig run = job.run().withDevice(config.device().get());
                job = job.withRun(run);
            }
            Builder b = job.builder().replica(replica, reducer);
            Estimator[] self = new Estimator[1];
            commits = new StepCommits(link, jobId, rank, world, spec.distributed().replicaCheckEverySteps(),
                    () -> self[0].values(), heartbeats);
            b.listener(commits);
            observer.listeners(jobId, rank, world, spec, reducer).forEach(b::listener);
            StepCommits c = commits;
            // Only a local signal stops between steps (with a checkpoint). The coordinator's STOP or RESTART
            // aborts the transport instead, so the next reduce fails and no checkpoint is written by an
            // attempt the job has already left behind.
            b.stopWhen(() -> stopRequested.getAsBoolean() || c.failure().isPresent());
            estimator = b.build();
            self[0] = estimator;
            TrainingStart start = estimator.prepareTraining(job.train());
            try {
                heartbeats.adopt(link.ready(WorkerReadyRequest.newBuilder().setJobId(jobId).setRank(rank)
                        .setModelFingerprint(start.modelFingerprint()).setStartStep(start.step())
                        .setTrainSteps(job.trainSteps()).setEpoch(heartbeats.epoch())
                        .setAddress(endpoint.address()).build()).getMembership());
            } catch (WorkerException refused) {
                // The job may have restarted while this worker traced: then register again.
                Optional<Heartbeats.Signal> s = heartbeats.pollNow();
                if (s.isPresent() && s.get().kind() == Heartbeats.Signal.Kind.RESTART) {
                    return new Result(null, jobId, s.get().reason());
                }
                // Otherwise this worker's model, resume step or length differs from the job's.
                return new Result(new Outcome(Outcome.Kind.FAILED, jobId, refused.getMessage()), jobId, null);
            }
            Membership ring = awaitRing(heartbeats);
            if (ring == null) {
                return ended(jobId, heartbeats, null);
            }
            reducer.join(endpoint.join(rank, ring.getRingList()));
            String joined = "rank " + rank + " of " + world + " joined job " + jobId + " (epoch " + ring.getEpoch()
                    + ") at step " + start.step() + "; ring " + ring.getRingList();
            observer.line(joined);
            link.log(WorkerLog.newBuilder().setJobId(jobId).setRank(rank).setStep(start.step()).setLine(joined)
                    .build());
            job.run(estimator);
            commits.close();
            Optional<WorkerException> refused = commits.failure();
            commits = null;
            return ended(jobId, heartbeats, refused.map(r -> "rank " + rank + " (" + endpoint.address() + "): "
                    + r.getMessage()).orElse(null));
        } catch (RuntimeException e) {
            if (commits != null) {
                // The step in hand may not be complete (its checkpoint or evaluation failed): never commit it.
                commits.abandon();
                commits = null;
            }
            String reason = "rank " + rank + " (" + endpoint.address() + "): " + message(e);
            return ended(jobId, heartbeats, reason);
        } finally {
            if (commits != null) {
                commits.close();
            }
            if (estimator != null) {
                estimator.close();
            }
        }
    }

    /** Waits, bounded, for every rank of the job to be ready; null when the job ended or restarted first. */
    private Membership awaitRing(Heartbeats heartbeats) {
        long deadline = System.nanoTime() + config.ringTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            Membership m = heartbeats.membership();
            if (m.getRingCount() > 0) {
                return m;
            }
            if (heartbeats.signal().isPresent() || stopRequested.getAsBoolean()) {
                return null;
            }
            sleep(20);
        }
        throw new WorkerException("the other ranks of the job were not all ready within "
                + config.ringTimeout().toSeconds() + " s (" + heartbeats.membership().getWorldSize()
                + " workers expected)");
    }

    /**
     * How the attempt ended: a local failure is reported first; then the coordinator's word decides
     * (restart, or the job's final state), asked for a bounded time.
     */
    private Result ended(String jobId, Heartbeats heartbeats, String failure) {
        if (failure != null && heartbeats.signal().isEmpty()) {
            link.reportFailure(FailureReport.newBuilder().setJobId(jobId).setRank(rank)
                    .setEpoch(heartbeats.epoch()).setReason(failure).build());
        }
        if (stopRequested.getAsBoolean()) {
            if (failure == null) {
                link.reportFailure(FailureReport.newBuilder().setJobId(jobId).setRank(rank)
                        .setEpoch(heartbeats.epoch()).setReason("rank " + rank
                                + " was stopped by a signal").build());
            }
            return new Result(new Outcome(Outcome.Kind.STOPPED, jobId, "stopped by a signal"), jobId, null);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Heartbeats.Signal> s = heartbeats.pollNow();
            if (s.isPresent() && s.get().kind() == Heartbeats.Signal.Kind.RESTART) {
                return new Result(null, jobId, s.get().reason());
            }
            JobStatus status;
            try {
                status = link.status(jobId);
            } catch (WorkerException e) {
                return new Result(new Outcome(Outcome.Kind.FAILED, jobId, failure != null ? failure
                        : e.getMessage()), jobId, null);
            }
            if (status.getState() == JobState.SUCCEEDED) {
                return new Result(new Outcome(Outcome.Kind.SUCCEEDED, jobId, status.getReason()), jobId, null);
            }
            if (status.getState() == JobState.FAILED || status.getState() == JobState.CANCELLED) {
                return new Result(new Outcome(Outcome.Kind.FAILED, jobId, "job " + jobId + " "
                        + status.getState() + ": " + status.getReason()), jobId, null);
            }
            sleep(100);
        }
        return new Result(new Outcome(Outcome.Kind.FAILED, jobId, (failure != null ? failure + "; " : "")
                + "the coordinator did not end or restart job " + jobId + " within 30 s"), jobId, null);
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkerException("interrupted");
        }
    }
}
