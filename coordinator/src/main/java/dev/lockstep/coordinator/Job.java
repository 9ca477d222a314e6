package dev.lockstep.coordinator;

import com.google.protobuf.ByteString;
import dev.lockstep.proto.v1.JobEvent;
import dev.lockstep.proto.v1.JobStatus;
import dev.lockstep.proto.v1.StoredJob;
import dev.lockstep.proto.v1.WorkerStatus;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One job's record, its event log and, while it waits or runs, its membership. Guarded by the
 * {@link Coordinator}'s lock.
 */
final class Job {
    final String id;
    final String canonicalSpec;
    final String hash;
    final int worldSize;
    /** The spec's {@code train.steps}: the job succeeds when every rank has committed it. */
    /**
     * The global step the job ends at: the spec's {@code train.steps}, or for a spec that trains for
     * {@code train.epochs} what the ready workers computed from their data (the coordinator reads none).
     */
    OptionalLong trainSteps;
    final long logEverySteps;
    final int maxRestarts;
    /** Hex SHA-256 of the job's worker token, "" for none (see {@link Authenticator}); never the token. */
    final String workerTokenSha256;
    final EventLog events = new EventLog();
    JobState state;
    String reason;
    long committedStep;
    /** Grows when a ring forms and when an attempt ends in a restart, so every old member's epoch is older. */
    long epoch;
    int restarts;
    long checkpointStep;
    String checkpointDir;
    /** The data position every rank reported after {@link #committedStep} (empty: none yet). */
    ByteString committedCursor = ByteString.EMPTY;
    /**
     * When this coordinator recorded the newest checkpoint, and when the job first ran (its checkpoint age
     * counts from there until one is recorded); not stored, so a restarted coordinator counts from its start.
     */
    Instant checkpointAt;
    Instant firstRunAt;
    /** Why the job last restarted; old members' heartbeats are answered RESTART with it. */
    String restartReason = "";
    Membership membership;
    /** The newest global metrics rank 0 committed. */
    Map<String, Double> metrics = Map.of();
    /** Progress window: since the last progress event (step, time) and the examples committed in it. */
    long windowStep;
    Instant windowStart;
    long windowExamples;

    Job(StoredJob s, OptionalLong trainSteps, long logEverySteps, JobState state) {
        this.id = s.getJobId();
        this.canonicalSpec = s.getCanonicalSpec();
        this.hash = s.getJobHash();
        this.worldSize = s.getWorldSize();
        this.trainSteps = trainSteps;
        this.logEverySteps = logEverySteps;
        this.maxRestarts = s.getMaxRestarts();
        this.workerTokenSha256 = s.getWorkerTokenSha256();
        this.state = state;
        this.reason = s.getReason();
        this.committedStep = s.getCommittedStep();
        this.epoch = s.getEpoch();
        this.restarts = s.getRestarts();
        this.checkpointStep = s.getCheckpointStep();
        this.checkpointDir = s.getCheckpointDir();
        this.committedCursor = s.getCommittedDataCursor();
        this.membership = new Membership(worldSize);
    }

    /** A coordinator event (rank -1) at {@code now}. */
    JobEvent event(Instant now, String line) {
        return events.append(JobEvent.newBuilder().setTimeUnixMs(now.toEpochMilli()).setRank(-1).setLine(line));
    }

    /** Ends the job: the last event carries its final status and completes every Watch stream. */
    void end(JobState finalState, String why, Instant now) {
        state = finalState;
        reason = why;
        events.append(JobEvent.newBuilder().setTimeUnixMs(now.toEpochMilli()).setRank(-1)
                .setLine("job " + id + " " + finalState + ": " + why).setFinalStatus(status()));
    }

    String describeState() {
        return state + (reason.isEmpty() ? "" : ": " + reason);
    }

    StoredJob toStored() {
        return StoredJob.newBuilder().setJobId(id).setCanonicalSpec(canonicalSpec).setJobHash(hash)
                .setWorldSize(worldSize).setState(state.toProto()).setReason(reason).setCommittedStep(committedStep)
                .setEpoch(epoch).setRestarts(restarts).setMaxRestarts(maxRestarts).setCheckpointStep(checkpointStep)
                .setCheckpointDir(checkpointDir).setCommittedDataCursor(committedCursor)
                .setWorkerTokenSha256(workerTokenSha256).build();
    }

    JobStatus status() {
        JobStatus.Builder b = JobStatus.newBuilder().setJobId(id).setState(state.toProto()).setReason(reason)
                .setWorldSize(worldSize).setRegisteredWorkers(membership.registered()).setCommittedStep(committedStep)
                .setJobHash(hash).setEpoch(epoch).setRestarts(restarts).setMaxRestarts(maxRestarts)
                .setCheckpointStep(checkpointStep).setTrainSteps(trainSteps.orElse(0)).putAllMetrics(metrics)
                .setCommittedDataCursor(committedCursor);
        for (Membership.Member m : membership.members()) {
            b.addWorkers(WorkerStatus.newBuilder().setRank(m.rank).setAddress(m.address).setDevice(m.device)
                    .setLastStep(m.lastStep).setLastStepSeconds(m.lastStepSeconds));
        }
        return b.build();
    }
}
