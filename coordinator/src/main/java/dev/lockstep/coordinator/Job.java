package dev.lockstep.coordinator;

import dev.lockstep.proto.v1.JobStatus;
import dev.lockstep.proto.v1.StoredJob;
import java.util.OptionalLong;

/** One job's record and, while it waits or runs, its membership. Guarded by the {@link Coordinator}'s lock. */
final class Job {
    final String id;
    final String canonicalSpec;
    final String hash;
    final int worldSize;
    /** The spec's {@code train.steps}: the job succeeds when every rank has committed it. */
    final OptionalLong trainSteps;
    JobState state;
    String reason;
    long committedStep;
    long epoch;
    Membership membership;

    Job(String id, String canonicalSpec, String hash, int worldSize, OptionalLong trainSteps, JobState state,
        String reason, long committedStep, long epoch) {
        this.id = id;
        this.canonicalSpec = canonicalSpec;
        this.hash = hash;
        this.worldSize = worldSize;
        this.trainSteps = trainSteps;
        this.state = state;
        this.reason = reason;
        this.committedStep = committedStep;
        this.epoch = epoch;
        this.membership = new Membership(worldSize);
    }

    void end(JobState finalState, String why) {
        state = finalState;
        reason = why;
    }

    StoredJob toStored() {
        return StoredJob.newBuilder().setJobId(id).setCanonicalSpec(canonicalSpec).setJobHash(hash)
                .setWorldSize(worldSize).setState(state.toProto()).setReason(reason).setCommittedStep(committedStep)
                .setEpoch(epoch).build();
    }

    JobStatus status() {
        return JobStatus.newBuilder().setJobId(id).setState(state.toProto()).setReason(reason).setWorldSize(worldSize)
                .setRegisteredWorkers(membership.registered()).setCommittedStep(committedStep).setJobHash(hash)
                .setEpoch(epoch).build();
    }
}
