package dev.lockstep.coordinator;

import static dev.lockstep.coordinator.CoordinatorException.Reason.BAD_REQUEST;
import static dev.lockstep.coordinator.CoordinatorException.Reason.FAILED_PRECONDITION;
import static dev.lockstep.coordinator.CoordinatorException.Reason.NOT_FOUND;

import dev.lockstep.job.JobSpec;
import dev.lockstep.job.SpecException;
import dev.lockstep.proto.v1.CommitStepRequest;
import dev.lockstep.proto.v1.CommitStepResponse;
import dev.lockstep.proto.v1.CoordinatorState;
import dev.lockstep.proto.v1.FailureAck;
import dev.lockstep.proto.v1.FailureReport;
import dev.lockstep.proto.v1.HeartbeatRequest;
import dev.lockstep.proto.v1.HeartbeatResponse;
import dev.lockstep.proto.v1.JobEvent;
import dev.lockstep.proto.v1.JobStatus;
import dev.lockstep.proto.v1.RegisterWorkerRequest;
import dev.lockstep.proto.v1.RegisterWorkerResponse;
import dev.lockstep.proto.v1.StoredJob;
import dev.lockstep.proto.v1.SubmitRequest;
import dev.lockstep.proto.v1.SubmitResponse;
import dev.lockstep.proto.v1.WatchRequest;
import dev.lockstep.proto.v1.WorkerLog;
import dev.lockstep.proto.v1.WorkerLogAck;
import dev.lockstep.proto.v1.WorkerReadyRequest;
import dev.lockstep.proto.v1.WorkerReadyResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The coordinator's core: the job registry over a durable state directory, membership and readiness
 * ({@link Enrolment}), step commits and progress ({@link Commits}), failure detection and restarts
 * ({@link Recovery}) and each job's event log ({@link EventLog}). Every method answers at once; none waits
 * for another worker. Deadlines are checked against the injected clock at the start of every call, and
 * {@link #checkDeadlines()} lets a scheduler check them between calls, so a silent worker fails its job
 * (or restarts it) even when nobody else calls. All methods are thread-safe (one lock; the state is small
 * and every call is short).
 */
public final class Coordinator {
    final CoordinatorConfig config;
    private final InstantSource clock;
    private final StateStore store;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Enrolment enrolment = new Enrolment(this);
    private final Commits commits = new Commits(this);
    private final Recovery recovery = new Recovery(this);
    private long nextJobNumber;

    private Coordinator(CoordinatorConfig config, InstantSource clock, StateStore store, CoordinatorState state) {
        this.config = config;
        this.clock = clock;
        this.store = store;
        this.nextJobNumber = state.getNextJobNumber();
        Instant now = clock.instant();
        for (StoredJob s : state.getJobsList()) {
            JobSpec spec;
            try {
                spec = JobSpec.parse(s.getCanonicalSpec(), Path.of("/"));
            } catch (SpecException e) {
                throw new StateStore.CorruptStateException("coordinator state file " + store.file() + " holds job "
                        + s.getJobId() + " whose stored spec no longer parses: " + e.getMessage(), e);
            }
            JobState st = JobState.fromProto(s.getState());
            // Membership lives only in memory: a job that was waiting or running waits for its workers again.
            Job job = new Job(s, spec.train().steps(), spec.logEverySteps(),
                    st.terminal() ? st : JobState.WAITING_FOR_WORKERS);
            if (st.terminal()) {
                job.end(st, s.getReason(), now);
            } else {
                job.event(now, "job " + job.id + " loaded from " + store.file() + ": waits for its " + job.worldSize
                        + " workers again, from committed step " + job.committedStep);
            }
            jobs.put(job.id, job);
        }
    }

    /** A coordinator over {@code stateDir}, with every job a previous coordinator stored there. */
    public static Coordinator open(Path stateDir, CoordinatorConfig config, InstantSource clock) {
        StateStore store = new StateStore(stateDir);
        return new Coordinator(config, clock, store, store.load());
    }

    public synchronized SubmitResponse submit(SubmitRequest request) {
        if (request.getBaseDir().isBlank()) {
            throw new CoordinatorException(BAD_REQUEST, "base_dir: required (the directory the spec's relative paths resolve against)");
        }
        if (request.getWorldSize() < 0) {
            throw new CoordinatorException(BAD_REQUEST, "world_size: expected a positive number of workers "
                    + "(or 0 for the spec's distributed.workers), got " + request.getWorldSize());
        }
        String workerToken = request.getWorkerTokenSha256();
        if (!workerToken.isEmpty() && !Authenticator.isDigest(workerToken)) {
            throw new CoordinatorException(BAD_REQUEST, "worker_token_sha256: expected 64 lowercase hex digits (the "
                    + "SHA-256 of the job's worker token), got " + workerToken.length() + " characters");
        }
        JobSpec spec = JobSpec.parse(request.getSpecYaml(), Path.of(request.getBaseDir()));
        int worldSize = request.getWorldSize() == 0 ? spec.distributed().workers() : request.getWorldSize();
        if (spec.train().batchSize() % worldSize != 0) {
            throw new CoordinatorException(BAD_REQUEST, "world_size: " + worldSize + " workers cannot split "
                    + "train.batch_size " + spec.train().batchSize() + " evenly (each takes an equal slice of every "
                    + "global batch); use a number of workers that divides it");
        }
        String id = "job-%06d".formatted(nextJobNumber);
        StoredJob stored = StoredJob.newBuilder().setJobId(id).setCanonicalSpec(spec.canonicalJson())
                .setJobHash(spec.hash()).setWorldSize(worldSize).setMaxRestarts(spec.distributed().maxRestarts())
                .setWorkerTokenSha256(workerToken).build();
        Job job = new Job(stored, spec.train().steps(), spec.logEverySteps(), JobState.WAITING_FOR_WORKERS);
        jobs.put(id, job);
        nextJobNumber++;
        try {
            persist();
        } catch (RuntimeException e) {
            jobs.remove(id);
            nextJobNumber--;
            throw e;
        }
        job.event(now(), "job " + id + " submitted: " + worldSize + " workers, "
                + (job.trainSteps.isPresent() ? job.trainSteps.getAsLong() + " steps" : "no train.steps")
                + ", max_restarts " + job.maxRestarts + ", " + job.hash);
        return SubmitResponse.newBuilder().setJobId(id).setJobHash(job.hash).build();
    }

    public synchronized JobStatus status(String jobId) {
        checkDeadlines();
        return job(jobId).status();
    }

    public synchronized List<JobStatus> list() {
        checkDeadlines();
        List<JobStatus> out = new ArrayList<>();
        jobs.values().forEach(j -> out.add(j.status()));
        return out;
    }

    /** Cancels a waiting or running job; workers learn it from their next heartbeat. A finished job is refused. */
    public synchronized JobStatus cancel(String jobId) {
        checkDeadlines();
        Job job = job(jobId);
        if (job.state.terminal()) {
            throw new CoordinatorException(FAILED_PRECONDITION, "job " + jobId + " has already ended ("
                    + job.describeState() + ")");
        }
        job.end(JobState.CANCELLED, "cancelled by a client", now());
        persist();
        return job.status();
    }

    /**
     * Fails a waiting or running job with {@code reason}, for the process that runs the workers (such as
     * {@code lockstep local} when none of them is left); workers learn it from their next heartbeat.
     */
    public synchronized JobStatus fail(String jobId, String reason) {
        Job job = job(jobId);
        if (!job.state.terminal()) {
            job.end(JobState.FAILED, reason, now());
            persist();
        }
        return job.status();
    }

    public synchronized RegisterWorkerResponse register(RegisterWorkerRequest request) {
        checkDeadlines();
        return enrolment.register(request);
    }

    public synchronized WorkerReadyResponse ready(WorkerReadyRequest request) {
        checkDeadlines();
        return enrolment.ready(request);
    }

    public synchronized HeartbeatResponse heartbeat(HeartbeatRequest request) {
        checkDeadlines();
        return enrolment.heartbeat(request);
    }

    public synchronized CommitStepResponse commit(CommitStepRequest request) {
        checkDeadlines();
        return commits.commit(request);
    }

    public synchronized WorkerLogAck log(WorkerLog request) {
        checkDeadlines();
        return commits.log(request);
    }

    public synchronized FailureAck reportFailure(FailureReport request) {
        checkDeadlines();
        return recovery.report(request);
    }

    /**
     * Sends the job's events from {@code from_seq} on, then (with {@code follow}) every new one until the job
     * ends. No thread waits: new events are pushed to the stream by the call that records them.
     */
    public synchronized void watch(WatchRequest request, StreamObserver<JobEvent> out) {
        checkDeadlines();
        if (request.getFromSeq() < 0) {
            throw new CoordinatorException(BAD_REQUEST, "from_seq: expected 0 or a positive sequence number, got "
                    + request.getFromSeq());
        }
        job(request.getJobId()).events.watch(request.getFromSeq(), request.getFollow(), out);
    }

    /**
     * Restarts or fails every job that has a registered worker whose last heartbeat is older than the
     * deadline, naming its rank, address and the last step it reported. Idempotent; any scheduler may call it.
     */
    public synchronized void checkDeadlines() {
        recovery.checkDeadlines();
    }

    /** Ends every open Watch stream with UNAVAILABLE (the coordinator is shutting down). */
    public synchronized void closeStreams() {
        jobs.values().forEach(j -> j.events.closeStreams("the coordinator is shutting down"));
    }

    /**
     * What the metrics show of one job: expected, registered and live workers, each rank's last step time,
     * the part of it outside the all-reduce and whether it is live, the job's state, and the seconds since
     * its newest checkpoint (since it first ran while it has none; NaN before that and once it has ended).
     */
    record Gauges(String jobId, int expected, int registered, int up, long committedStep,
                  Map<Integer, Double> rankStepSeconds, Map<Integer, Double> rankBusySeconds, Map<Integer, Boolean> rankUp,
                  JobState state, double checkpointAgeSeconds) {}

    synchronized List<Gauges> gauges() {
        Instant now = now();
        Instant cutoff = now.minus(config.heartbeatDeadline());
        List<Gauges> out = new ArrayList<>();
        for (Job j : jobs.values()) {
            Map<Integer, Double> seconds = new LinkedHashMap<>();
            Map<Integer, Double> busy = new LinkedHashMap<>();
            Map<Integer, Boolean> live = new LinkedHashMap<>();
            int up = 0;
            for (Membership.Member m : j.membership.members()) {
                seconds.put(m.rank, m.lastStepSeconds);
                busy.put(m.rank, m.lastBusySeconds);
                boolean heard = !j.state.terminal() && !m.lastSeen.isBefore(cutoff);
                live.put(m.rank, heard);
                up += heard ? 1 : 0;
            }
            Instant since = j.checkpointAt != null ? j.checkpointAt : j.firstRunAt;
            double age = since == null || j.state.terminal() ? Double.NaN
                    : java.time.Duration.between(since, now).toNanos() / 1e9;
            out.add(new Gauges(j.id, j.worldSize, j.membership.registered(), up, j.committedStep, seconds, busy, live,
                    j.state, age));
        }
        return out;
    }

    Instant now() {
        return clock.instant();
    }

    Iterable<Job> jobs() {
        return jobs.values();
    }

    Job job(String jobId) {
        Job job = jobs.get(jobId);
        if (job == null) {
            throw new CoordinatorException(NOT_FOUND, "no job " + (jobId.isEmpty() ? "(empty job_id)" : jobId)
                    + " on this coordinator; it has " + (jobs.isEmpty() ? "none" : String.join(", ", jobs.keySet())));
        }
        return job;
    }

    /** The oldest job that waits for workers and has a free rank: where a worker that names no job goes. */
    Job oldestWaiting() {
        Optional<Job> job = jobs.values().stream()
                .filter(j -> j.state == JobState.WAITING_FOR_WORKERS && !j.membership.complete()).findFirst();
        return job.orElseThrow(() -> new CoordinatorException(FAILED_PRECONDITION,
                "no job on this coordinator waits for workers (retry after a submit); jobs: " + (jobs.isEmpty() ? "none"
                        : String.join(", ", jobs.values().stream().map(j -> j.id + " " + j.state
                        + (j.state == JobState.WAITING_FOR_WORKERS ? " (all " + j.worldSize + " ranks taken)" : ""))
                        .toList()))));
    }

    /** The worker-token digest job {@code jobId} was submitted with ("" for none); empty if there is no such job. */
    synchronized Optional<String> workerTokenOf(String jobId) {
        return Optional.ofNullable(jobs.get(jobId)).map(j -> j.workerTokenSha256);
    }

    /** Whether some job's worker-token digest ("" for none) satisfies {@code test}. */
    synchronized boolean anyJob(Predicate<String> test) {
        return jobs.values().stream().anyMatch(j -> test.test(j.workerTokenSha256));
    }

    /** The oldest job that waits for workers, has a free rank and whose worker-token digest {@code admits}. */
    synchronized Optional<String> oldestWaiting(Predicate<String> admits) {
        return jobs.values().stream().filter(j -> j.state == JobState.WAITING_FOR_WORKERS && !j.membership.complete()
                && admits.test(j.workerTokenSha256)).map(j -> j.id).findFirst();
    }

    void persist() {
        CoordinatorState.Builder b = CoordinatorState.newBuilder().setNextJobNumber(nextJobNumber);
        jobs.values().forEach(j -> b.addJobs(j.toStored()));
        store.save(b.build());
    }
}
