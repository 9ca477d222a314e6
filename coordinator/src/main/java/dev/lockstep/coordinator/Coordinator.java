package dev.lockstep.coordinator;

import static dev.lockstep.coordinator.CoordinatorException.Reason.ALREADY_EXISTS;
import static dev.lockstep.coordinator.CoordinatorException.Reason.BAD_REQUEST;
import static dev.lockstep.coordinator.CoordinatorException.Reason.FAILED_PRECONDITION;
import static dev.lockstep.coordinator.CoordinatorException.Reason.NOT_FOUND;

import dev.lockstep.job.JobSpec;
import dev.lockstep.job.SpecException;
import dev.lockstep.proto.v1.CommitStepRequest;
import dev.lockstep.proto.v1.CommitStepResponse;
import dev.lockstep.proto.v1.CoordinatorState;
import dev.lockstep.proto.v1.HeartbeatRequest;
import dev.lockstep.proto.v1.HeartbeatResponse;
import dev.lockstep.proto.v1.JobStatus;
import dev.lockstep.proto.v1.RegisterWorkerRequest;
import dev.lockstep.proto.v1.RegisterWorkerResponse;
import dev.lockstep.proto.v1.StoredJob;
import dev.lockstep.proto.v1.SubmitRequest;
import dev.lockstep.proto.v1.SubmitResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The coordinator's core: the job registry over a durable state directory, membership, failure detection
 * and step commits. Every method answers at once; none waits for another worker. Deadlines are checked
 * against the injected clock at the start of every call, and {@link #checkDeadlines()} lets a scheduler
 * check them between calls, so a silent worker fails its job even when nobody else calls.
 * All methods are thread-safe (one lock; the state is small and every call is short).
 */
public final class Coordinator {
    private final CoordinatorConfig config;
    private final InstantSource clock;
    private final StateStore store;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private long nextJobNumber;

    private Coordinator(CoordinatorConfig config, InstantSource clock, StateStore store, CoordinatorState state) {
        this.config = config;
        this.clock = clock;
        this.store = store;
        this.nextJobNumber = state.getNextJobNumber();
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
            Job job = new Job(s.getJobId(), s.getCanonicalSpec(), s.getJobHash(), s.getWorldSize(),
                    spec.train().steps(), st.terminal() ? st : JobState.WAITING_FOR_WORKERS, s.getReason(),
                    s.getCommittedStep(), s.getEpoch());
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
        if (request.getWorldSize() < 1) {
            throw new CoordinatorException(BAD_REQUEST, "world_size: expected a positive number of workers, got "
                    + request.getWorldSize());
        }
        JobSpec spec = JobSpec.parse(request.getSpecYaml(), Path.of(request.getBaseDir()));
        String id = "job-%06d".formatted(nextJobNumber);
        Job job = new Job(id, spec.canonicalJson(), spec.hash(), request.getWorldSize(), spec.train().steps(),
                JobState.WAITING_FOR_WORKERS, "", 0, 0);
        jobs.put(id, job);
        nextJobNumber++;
        try {
            persist();
        } catch (RuntimeException e) {
            jobs.remove(id);
            nextJobNumber--;
            throw e;
        }
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
                    + job.state + (job.reason.isEmpty() ? "" : ": " + job.reason) + ")");
        }
        job.end(JobState.CANCELLED, "cancelled by a client");
        persist();
        return job.status();
    }

    public synchronized RegisterWorkerResponse register(RegisterWorkerRequest request) {
        checkDeadlines();
        Job job = job(request.getJobId());
        String address = request.getAddress();
        if (address.isBlank()) {
            throw new CoordinatorException(BAD_REQUEST, "address: required (host:port of the worker's collective service)");
        }
        List<String> differences = new ArrayList<>();
        if (!request.getJobHash().equals(job.hash)) {
            differences.add("job hash " + request.getJobHash() + " (worker) vs " + job.hash + " (job)");
        }
        if (!request.getLockstepVersion().equals(config.lockstepVersion())) {
            differences.add("Lockstep version " + request.getLockstepVersion() + " (worker) vs "
                    + config.lockstepVersion() + " (coordinator)");
        }
        if (!differences.isEmpty()) {
            throw new CoordinatorException(FAILED_PRECONDITION, "worker " + address + " does not match job "
                    + job.id + ": " + String.join("; ", differences));
        }
        if (job.state != JobState.WAITING_FOR_WORKERS) {
            String why = job.state == JobState.RUNNING
                    ? "it already has all " + job.worldSize + " of its workers (ring " + job.membership.ring() + ")"
                    : "it has ended (" + job.state + (job.reason.isEmpty() ? "" : ": " + job.reason) + ")";
            throw new CoordinatorException(FAILED_PRECONDITION, "job " + job.id + " takes no worker " + address + ": " + why);
        }
        Membership m = job.membership;
        OptionalInt existing = m.rankOf(address);
        if (existing.isPresent()) {
            throw new CoordinatorException(ALREADY_EXISTS, "worker " + address + " is already registered with job "
                    + job.id + " as rank " + existing.getAsInt());
        }
        int rank;
        if (request.hasRequestedRank()) {
            rank = request.getRequestedRank();
            if (rank < 0 || rank >= job.worldSize) {
                throw new CoordinatorException(BAD_REQUEST, "requested_rank: expected 0.." + (job.worldSize - 1)
                        + " for job " + job.id + ", got " + rank);
            }
            if (m.member(rank).isPresent()) {
                throw new CoordinatorException(ALREADY_EXISTS, "rank " + rank + " of job " + job.id
                        + " is already held by " + m.member(rank).get().address + "; " + address + " cannot take it");
            }
        } else {
            rank = m.nextFreeRank();
        }
        Membership.Member member = m.add(rank, address, request.getDevice(), clock.instant());
        if (m.complete()) {
            job.epoch++;
            job.state = JobState.RUNNING;
            persist();
        }
        member.toldEpoch = job.epoch;
        return RegisterWorkerResponse.newBuilder().setRank(rank).setMembership(membership(job)).build();
    }

    public synchronized HeartbeatResponse heartbeat(HeartbeatRequest request) {
        checkDeadlines();
        Job job = job(request.getJobId());
        if (job.state.terminal()) {
            return stop(job);
        }
        Membership.Member member = member(job, request.getRank());
        // A rank that registered before the ring formed still knows the epoch it was told then.
        if (request.getEpoch() != job.epoch && request.getEpoch() != member.toldEpoch) {
            throw new CoordinatorException(FAILED_PRECONDITION, "rank " + request.getRank() + " of job " + job.id
                    + " is in membership epoch " + request.getEpoch() + ", the job is in epoch " + job.epoch);
        }
        member.lastSeen = clock.instant();
        member.lastStep = Math.max(member.lastStep, request.getStep());
        return HeartbeatResponse.newBuilder().setAction(HeartbeatResponse.Action.CONTINUE)
                .setMembership(membership(job)).build();
    }

    public synchronized CommitStepResponse commit(CommitStepRequest request) {
        checkDeadlines();
        Job job = job(request.getJobId());
        if (job.state != JobState.RUNNING) {
            throw new CoordinatorException(FAILED_PRECONDITION, "job " + job.id + " is " + job.state
                    + (job.reason.isEmpty() ? "" : " (" + job.reason + ")") + "; rank " + request.getRank()
                    + " cannot commit step " + request.getStep());
        }
        Membership.Member member = member(job, request.getRank());
        long expected = member.committedStep + 1;
        if (request.getStep() != expected) {
            throw new CoordinatorException(FAILED_PRECONDITION, "rank " + member.rank + " of job " + job.id
                    + " committed step " + request.getStep() + " but its next step is " + expected
                    + " (steps are committed in order, none skipped or repeated)");
        }
        if (request.getReplicaChecksumsCount() > 0) {
            Optional<String> mismatch = job.membership.checkReplica(member.rank, request.getStep(),
                    request.getReplicaChecksumsList());
            if (mismatch.isPresent()) {
                job.end(JobState.FAILED, mismatch.get());
                persist();
                throw new CoordinatorException(FAILED_PRECONDITION, "job " + job.id + " failed: " + mismatch.get());
            }
        }
        member.committedStep = request.getStep();
        member.lastStep = Math.max(member.lastStep, request.getStep());
        member.lastSeen = clock.instant();
        long committed = job.membership.committedStep();
        if (committed > job.committedStep) {
            job.committedStep = committed;
            job.membership.forgetChecksumsThrough(committed);
            if (job.trainSteps.isPresent() && committed >= job.trainSteps.getAsLong()) {
                job.end(JobState.SUCCEEDED, "every rank committed the last step, " + committed);
            }
            persist();
        }
        return CommitStepResponse.newBuilder().setCommittedStep(job.committedStep).build();
    }

    /**
     * Fails every job that has a registered worker whose last heartbeat is older than the deadline, naming
     * its rank, address and the last step it reported. Idempotent; any scheduler may call it.
     */
    public synchronized void checkDeadlines() {
        Instant now = clock.instant();
        Duration deadline = config.heartbeatDeadline();
        Instant cutoff = now.minus(deadline);
        boolean changed = false;
        for (Job job : jobs.values()) {
            if (job.state.terminal()) {
                continue;
            }
            Optional<Membership.Member> silent = job.membership.silentSince(cutoff);
            if (silent.isPresent()) {
                Membership.Member m = silent.get();
                job.end(JobState.FAILED, "rank " + m.rank + " (" + m.address + ") sent no heartbeat for "
                        + Duration.between(m.lastSeen, now).toMillis() + " ms (deadline " + deadline.toMillis()
                        + " ms); the last step it reported was " + m.lastStep);
                changed = true;
            }
        }
        if (changed) {
            persist();
        }
    }

    private HeartbeatResponse stop(Job job) {
        return HeartbeatResponse.newBuilder().setAction(HeartbeatResponse.Action.STOP)
                .setReason("job " + job.id + " is " + job.state + (job.reason.isEmpty() ? "" : ": " + job.reason))
                .setMembership(membership(job)).build();
    }

    private static dev.lockstep.proto.v1.Membership membership(Job job) {
        var b = dev.lockstep.proto.v1.Membership.newBuilder().setEpoch(job.epoch).setWorldSize(job.worldSize);
        if (job.membership.complete()) {
            b.addAllRing(job.membership.ring());
        }
        return b.build();
    }

    private Job job(String jobId) {
        Job job = jobs.get(jobId);
        if (job == null) {
            throw new CoordinatorException(NOT_FOUND, "no job " + (jobId.isEmpty() ? "(empty job_id)" : jobId)
                    + " on this coordinator; it has " + (jobs.isEmpty() ? "none" : String.join(", ", jobs.keySet())));
        }
        return job;
    }

    private static Membership.Member member(Job job, int rank) {
        return job.membership.member(rank).orElseThrow(() -> new CoordinatorException(NOT_FOUND,
                "job " + job.id + " has no registered rank " + rank + " (world size " + job.worldSize + ", "
                        + job.membership.registered() + " registered)"));
    }

    private void persist() {
        CoordinatorState.Builder b = CoordinatorState.newBuilder().setNextJobNumber(nextJobNumber);
        jobs.values().forEach(j -> b.addJobs(j.toStored()));
        store.save(b.build());
    }
}
