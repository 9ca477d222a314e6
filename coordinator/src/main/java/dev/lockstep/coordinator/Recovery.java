package dev.lockstep.coordinator;

import static dev.lockstep.coordinator.CoordinatorException.Reason.BAD_REQUEST;
import static dev.lockstep.coordinator.CoordinatorException.Reason.FAILED_PRECONDITION;

import dev.lockstep.proto.v1.FailureAck;
import dev.lockstep.proto.v1.FailureReport;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a failed attempt does to its job: while restarts are left ({@code distributed.max_restarts}), the
 * job restarts — every worker registers again and resumes from the newest checkpoint — otherwise it fails
 * with the reason. Failures are a worker's report or a heartbeat deadline (invariant 6). Runs under the
 * {@link Coordinator}'s lock.
 */
final class Recovery {
    private final Coordinator c;

    Recovery(Coordinator c) {
        this.c = c;
    }

    FailureAck report(FailureReport request) {
        Job job = c.job(request.getJobId());
        if (request.getReason().isBlank()) {
            throw new CoordinatorException(BAD_REQUEST, "reason: required in a failure report from rank "
                    + request.getRank() + " of job " + job.id);
        }
        if (job.state.terminal()) {
            return FailureAck.getDefaultInstance();
        }
        if (request.getEpoch() > job.epoch) {
            throw new CoordinatorException(FAILED_PRECONDITION, "rank " + request.getRank() + " of job " + job.id
                    + " reports a failure in epoch " + request.getEpoch() + ", the job is in epoch " + job.epoch);
        }
        Optional<Membership.Member> found = job.membership.member(request.getRank());
        if (found.isEmpty() || request.getEpoch() != job.epoch && request.getEpoch() != found.get().toldEpoch) {
            // A late report from an attempt that is already over (its restart or end has been decided).
            return FailureAck.getDefaultInstance();
        }
        Membership.Member m = found.get();
        Instant now = c.now();
        fail(job, "rank " + m.rank + " (" + m.address + ") failed at step " + m.lastStep + ": " + request.getReason(), now);
        c.persist();
        return FailureAck.getDefaultInstance();
    }

    void checkDeadlines() {
        Instant now = c.now();
        Duration deadline = c.config.heartbeatDeadline();
        Instant cutoff = now.minus(deadline);
        boolean changed = false;
        for (Job job : c.jobs()) {
            if (job.state.terminal()) {
                continue;
            }
            Optional<Membership.Member> silent = job.membership.silentSince(cutoff);
            if (silent.isPresent()) {
                Membership.Member m = silent.get();
                fail(job, "rank " + m.rank + " (" + m.address + ") sent no heartbeat for "
                        + Duration.between(m.lastSeen, now).toMillis() + " ms (deadline " + deadline.toMillis()
                        + " ms); the last step it reported was " + m.lastStep, now);
                changed = true;
            }
        }
        if (changed) {
            c.persist();
        }
    }

    /** Restarts {@code job} if it has restarts left, else fails it; the caller persists. */
    static void fail(Job job, String reason, Instant now) {
        if (job.restarts >= job.maxRestarts) {
            job.end(JobState.FAILED, job.maxRestarts == 0 ? reason
                    : reason + " (no restarts left: " + job.restarts + " of max_restarts " + job.maxRestarts + " used)", now);
            return;
        }
        job.restarts++;
        // A new epoch at once: every heartbeat of the failed attempt is now from an older epoch, answered RESTART.
        job.epoch++;
        job.restartReason = reason;
        job.membership = new Membership(job.worldSize);
        job.state = JobState.WAITING_FOR_WORKERS;
        job.committedStep = job.checkpointStep;
        job.event(now, "restart " + job.restarts + " of " + job.maxRestarts + " after " + reason + "; every worker "
                + "registers again and resumes from " + (job.checkpointStep > 0 ? "the checkpoint of step "
                + job.checkpointStep + " in " + job.checkpointDir : "step 0 (no checkpoint yet)"));
    }
}
