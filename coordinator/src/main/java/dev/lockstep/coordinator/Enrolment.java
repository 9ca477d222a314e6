package dev.lockstep.coordinator;

import static dev.lockstep.coordinator.CoordinatorException.Reason.ALREADY_EXISTS;
import static dev.lockstep.coordinator.CoordinatorException.Reason.BAD_REQUEST;
import static dev.lockstep.coordinator.CoordinatorException.Reason.FAILED_PRECONDITION;
import static dev.lockstep.coordinator.CoordinatorException.Reason.NOT_FOUND;

import dev.lockstep.proto.v1.HeartbeatRequest;
import dev.lockstep.proto.v1.HeartbeatResponse;
import dev.lockstep.proto.v1.RegisterWorkerRequest;
import dev.lockstep.proto.v1.RegisterWorkerResponse;
import dev.lockstep.proto.v1.WorkerReadyRequest;
import dev.lockstep.proto.v1.WorkerReadyResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How workers join a job: registration (a rank), readiness (every rank built the same model and resumes
 * from the same step) and heartbeats. The ring forms, in a new epoch, only when every rank has registered
 * and reported ready. Runs under the {@link Coordinator}'s lock.
 */
final class Enrolment {
    /** Heartbeats are expected this often relative to the deadline, and never more often than every 100 ms. */
    static final int HEARTBEATS_PER_DEADLINE = 5;
    static final long MIN_HEARTBEAT_INTERVAL_MS = 100;

    private final Coordinator c;

    Enrolment(Coordinator c) {
        this.c = c;
    }

    RegisterWorkerResponse register(RegisterWorkerRequest request) {
        String address = request.getAddress();
        if (address.isBlank()) {
            throw new CoordinatorException(BAD_REQUEST, "address: required (host:port of the worker's collective service)");
        }
        Job job = request.getJobId().isEmpty() ? c.oldestWaiting() : c.job(request.getJobId());
        List<String> differences = new ArrayList<>();
        if (!request.getJobHash().isEmpty() && !request.getJobHash().equals(job.hash)) {
            differences.add("job hash " + request.getJobHash() + " (worker) vs " + job.hash + " (job)");
        }
        String version = c.config.lockstepVersion();
        if (!request.getLockstepVersion().equals(version)) {
            differences.add("Lockstep version " + request.getLockstepVersion() + " (worker) vs " + version + " (coordinator)");
        }
        if (!differences.isEmpty()) {
            throw new CoordinatorException(FAILED_PRECONDITION, "worker " + address + " does not match job "
                    + job.id + ": " + String.join("; ", differences));
        }
        Membership m = job.membership;
        if (job.state != JobState.WAITING_FOR_WORKERS || m.complete()) {
            String why = job.state.terminal() ? "it has ended (" + job.describeState() + ")"
                    : job.state == JobState.RUNNING ? "it already has all " + job.worldSize + " of its workers (ring "
                    + m.ring() + ")" : "all " + job.worldSize + " of its ranks are taken (waiting for them to report ready)";
            throw new CoordinatorException(FAILED_PRECONDITION, "job " + job.id + " takes no worker " + address + ": " + why);
        }
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
        Instant now = c.now();
        Membership.Member member = m.add(rank, address, request.getDevice(), now);
        member.toldEpoch = job.epoch;
        job.event(now, "rank " + rank + " registered: " + address + " on " + (request.getDevice().isEmpty() ? "(no device)"
                : request.getDevice()) + " (" + m.registered() + " of " + job.worldSize + ")");
        long interval = Math.max(MIN_HEARTBEAT_INTERVAL_MS,
                c.config.heartbeatDeadline().toMillis() / HEARTBEATS_PER_DEADLINE);
        return RegisterWorkerResponse.newBuilder().setRank(rank).setMembership(membership(job)).setJobId(job.id)
                .setJobHash(job.hash).setCanonicalSpec(job.canonicalSpec).setHeartbeatIntervalMs(interval)
                .setRestarts(job.restarts).build();
    }

    WorkerReadyResponse ready(WorkerReadyRequest request) {
        Job job = c.job(request.getJobId());
        if (request.getModelFingerprint().isBlank()) {
            throw new CoordinatorException(BAD_REQUEST, "model_fingerprint: required (the gradient program's graph hash)");
        }
        if (request.getStartStep() < 0) {
            throw new CoordinatorException(BAD_REQUEST, "start_step: expected 0 or more, got " + request.getStartStep());
        }
        Membership.Member member = member(job, request.getRank());
        if (!request.getAddress().isEmpty() && !request.getAddress().equals(member.address)) {
            throw new CoordinatorException(FAILED_PRECONDITION, "rank " + member.rank + " of job " + job.id
                    + " is held by " + member.address + ", not " + request.getAddress()
                    + " (a worker of an attempt that has ended)");
        }
        if (request.getEpoch() != 0 && request.getEpoch() != member.toldEpoch) {
            throw new CoordinatorException(FAILED_PRECONDITION, "rank " + member.rank + " of job " + job.id
                    + " reported ready for membership epoch " + request.getEpoch() + ", but that rank registered in "
                    + "epoch " + member.toldEpoch + " (a worker of an attempt that has ended)");
        }
        if (member.ready) {
            if (member.fingerprint.equals(request.getModelFingerprint()) && member.startStep == request.getStartStep()) {
                return WorkerReadyResponse.newBuilder().setMembership(membership(job)).build(); // a retried call
            }
            throw new CoordinatorException(FAILED_PRECONDITION, "rank " + member.rank + " of job " + job.id
                    + " already reported ready with model fingerprint " + member.fingerprint + " and start step "
                    + member.startStep + ", not " + request.getModelFingerprint() + " and " + request.getStartStep());
        }
        if (job.state != JobState.WAITING_FOR_WORKERS) {
            throw new CoordinatorException(FAILED_PRECONDITION, "job " + job.id + " is " + job.describeState()
                    + "; rank " + member.rank + " cannot report ready");
        }
        if (request.getTrainSteps() > 0 && job.trainSteps.isPresent()
                && job.trainSteps.getAsLong() != request.getTrainSteps()) {
            throw new CoordinatorException(FAILED_PRECONDITION, "rank " + member.rank + " of job " + job.id
                    + " trains to step " + request.getTrainSteps() + " but the job ends at step "
                    + job.trainSteps.getAsLong() + " (train.steps, or what the first ready rank computed from "
                    + "train.epochs)");
        }
        Instant now = c.now();
        Membership m = job.membership;
        Optional<String> refusal = m.ready(member, request.getModelFingerprint(), request.getStartStep());
        if (refusal.isPresent()) {
            m.remove(member.rank);
            String why = "rank " + member.rank + " (" + member.address + ") of job " + job.id
                    + " disagrees with the first ready rank: " + refusal.get() + "; rank " + member.rank + " is free again";
            job.event(now, why);
            throw new CoordinatorException(FAILED_PRECONDITION, why);
        }
        if (request.getTrainSteps() > 0 && job.trainSteps.isEmpty()) {
            job.trainSteps = java.util.OptionalLong.of(request.getTrainSteps());
        }
        member.lastSeen = now;
        job.event(now, "rank " + member.rank + " ready: model " + member.fingerprint + ", start step "
                + member.startStep);
        if (m.complete() && m.allReady()) {
            job.epoch++;
            job.state = JobState.RUNNING;
            if (job.firstRunAt == null) {
                job.firstRunAt = now;
            }
            job.committedStep = m.form();
            job.windowStep = job.committedStep;
            job.windowStart = now;
            job.windowExamples = 0;
            job.event(now, "ring formed: epoch " + job.epoch + ", " + job.worldSize + " workers " + m.ring()
                    + ", from step " + job.committedStep);
            if (job.trainSteps.isPresent() && job.committedStep >= job.trainSteps.getAsLong()) {
                // Resumed from a checkpoint at or past the last step: nothing is left to train.
                job.end(JobState.SUCCEEDED, "already trained: the workers resumed at step " + job.committedStep
                        + " and the job ends at step " + job.trainSteps.getAsLong(), now);
            }
            c.persist();
        }
        return WorkerReadyResponse.newBuilder().setMembership(membership(job)).build();
    }

    HeartbeatResponse heartbeat(HeartbeatRequest request) {
        Job job = c.job(request.getJobId());
        if (job.state.terminal()) {
            return HeartbeatResponse.newBuilder().setAction(HeartbeatResponse.Action.STOP)
                    .setReason("job " + job.id + " is " + job.describeState()).setMembership(membership(job)).build();
        }
        if (request.getEpoch() > job.epoch) {
            throw new CoordinatorException(FAILED_PRECONDITION, "rank " + request.getRank() + " of job " + job.id
                    + " is in membership epoch " + request.getEpoch() + ", the job is in epoch " + job.epoch);
        }
        Optional<Membership.Member> found = job.membership.member(request.getRank());
        // A rank that registered before the ring formed still knows the epoch it was told then.
        if (found.isEmpty() || request.getEpoch() != job.epoch && request.getEpoch() != found.get().toldEpoch) {
            return HeartbeatResponse.newBuilder().setAction(HeartbeatResponse.Action.RESTART)
                    .setReason(restartReason(job, request)).setMembership(membership(job)).build();
        }
        Membership.Member member = found.get();
        member.lastSeen = c.now();
        member.lastStep = Math.max(member.lastStep, request.getStep());
        return HeartbeatResponse.newBuilder().setAction(HeartbeatResponse.Action.CONTINUE)
                .setMembership(membership(job)).build();
    }

    /** Why a heartbeat from an attempt that is over is told to register again. */
    private static String restartReason(Job job, HeartbeatRequest request) {
        String base = "rank " + request.getRank() + " of epoch " + request.getEpoch() + " is not a member of job "
                + job.id + " in epoch " + job.epoch + "; register again";
        return job.restartReason.isEmpty() ? base
                : "job " + job.id + " restarts (restart " + job.restarts + " of " + job.maxRestarts + ") from step "
                + job.committedStep + " because " + job.restartReason + "; " + base;
    }

    static dev.lockstep.proto.v1.Membership membership(Job job) {
        var b = dev.lockstep.proto.v1.Membership.newBuilder().setEpoch(job.epoch).setWorldSize(job.worldSize);
        if (job.membership.formed()) {
            b.addAllRing(job.membership.ring());
        }
        return b.build();
    }

    static Membership.Member member(Job job, int rank) {
        return job.membership.member(rank).orElseThrow(() -> new CoordinatorException(NOT_FOUND,
                "job " + job.id + " has no registered rank " + rank + " (world size " + job.worldSize + ", "
                        + job.membership.registered() + " registered)"));
    }
}
