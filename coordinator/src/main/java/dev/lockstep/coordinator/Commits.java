package dev.lockstep.coordinator;

import static dev.lockstep.coordinator.CoordinatorException.Reason.BAD_REQUEST;
import static dev.lockstep.coordinator.CoordinatorException.Reason.FAILED_PRECONDITION;

import dev.lockstep.proto.v1.CommitStepRequest;
import dev.lockstep.proto.v1.CommitStepResponse;
import dev.lockstep.proto.v1.JobEvent;
import dev.lockstep.proto.v1.WorkerLog;
import dev.lockstep.proto.v1.WorkerLogAck;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Step commits and what follows from them: the job's committed step (the minimum over ranks), replica
 * checks, rank 0's metrics and checkpoints, a progress event every {@code log_every_steps} committed steps,
 * success at {@code train.steps}; and workers' log lines. Runs under the {@link Coordinator}'s lock.
 */
final class Commits {
    private final Coordinator c;

    Commits(Coordinator c) {
        this.c = c;
    }

    CommitStepResponse commit(CommitStepRequest request) {
        Job job = c.job(request.getJobId());
        if (job.state != JobState.RUNNING) {
            throw new CoordinatorException(FAILED_PRECONDITION, "job " + job.id + " is " + job.state
                    + (job.reason.isEmpty() ? "" : " (" + job.reason + ")") + "; rank " + request.getRank()
                    + " cannot commit step " + request.getStep());
        }
        if (request.getEpoch() != 0 && request.getEpoch() != job.epoch) {
            throw new CoordinatorException(FAILED_PRECONDITION, "rank " + request.getRank() + " committed step "
                    + request.getStep() + " of membership epoch " + request.getEpoch() + ", but job " + job.id
                    + " is in epoch " + job.epoch + " (that attempt has ended)");
        }
        Membership.Member member = Enrolment.member(job, request.getRank());
        long expected = member.committedStep + 1;
        if (request.getStep() != expected) {
            throw new CoordinatorException(FAILED_PRECONDITION, "rank " + member.rank + " of job " + job.id
                    + " committed step " + request.getStep() + " but its next step is " + expected
                    + " (steps are committed in order, none skipped or repeated)");
        }
        Instant now = c.now();
        if (request.getReplicaChecksumsCount() > 0) {
            Optional<String> mismatch = job.membership.checkReplica(member.rank, request.getStep(),
                    request.getReplicaChecksumsList());
            if (mismatch.isPresent()) {
                job.end(JobState.FAILED, mismatch.get(), now);
                c.persist();
                throw new CoordinatorException(FAILED_PRECONDITION, "job " + job.id + " failed: " + mismatch.get());
            }
        }
        Optional<String> diverged = job.membership.checkCursor(member.rank, request.getStep(), request.getDataCursor());
        if (diverged.isPresent()) {
            job.end(JobState.FAILED, diverged.get(), now);
            c.persist();
            throw new CoordinatorException(FAILED_PRECONDITION, "job " + job.id + " failed: " + diverged.get());
        }
        member.committedStep = request.getStep();
        member.lastStep = Math.max(member.lastStep, request.getStep());
        member.lastSeen = now;
        if (request.hasTimes()) {
            member.lastStepSeconds = request.getTimes().getTotal();
            member.lastBusySeconds = request.getTimes().getTotal() - request.getTimes().getAllreduce();
        }
        boolean changed = false;
        if (member.rank == 0) {
            if (request.getMetricsCount() > 0) {
                job.metrics = Map.copyOf(request.getMetricsMap());
            }
            if (!request.getCheckpointDir().isEmpty()) {
                job.checkpointStep = request.getStep();
                job.checkpointDir = request.getCheckpointDir();
                job.checkpointAt = now;
                job.event(now, "checkpoint of step " + request.getStep() + " recorded: " + request.getCheckpointDir());
                changed = true;
            }
        }
        long committed = job.membership.committedStep();
        if (committed > job.committedStep) {
            // The commit that moves the minimum is this rank's commit of exactly that step: its metrics are the step's.
            job.committedStep = committed;
            job.membership.cursorAt(committed).ifPresent(cursor -> job.committedCursor = cursor);
            job.windowExamples += request.getGlobalExamples();
            job.membership.forgetThrough(committed);
            boolean last = job.trainSteps.isPresent() && committed >= job.trainSteps.getAsLong();
            if (committed % job.logEverySteps == 0 || last) {
                progress(job, request.getMetricsCount() > 0 ? request.getMetricsMap() : job.metrics, now);
            }
            if (last) {
                job.end(JobState.SUCCEEDED, "every rank committed the last step, " + committed, now);
                changed = true;
            }
            // Not stored for every step (two fsyncs per step cost a fifth of a core): after a coordinator
            // restart the job resumes from its newest checkpoint, which is stored when it is recorded.
        }
        if (changed) {
            c.persist();
        }
        return CommitStepResponse.newBuilder().setCommittedStep(job.committedStep).build();
    }

    private static void progress(Job job, Map<String, Double> metrics, Instant now) {
        double seconds = job.windowStart == null ? 0 : Duration.between(job.windowStart, now).toNanos() / 1e9;
        double perSecond = seconds > 0 ? job.windowExamples / seconds : 0;
        StringBuilder line = new StringBuilder("step " + job.committedStep
                + (job.trainSteps.isPresent() ? "/" + job.trainSteps.getAsLong() : ""));
        new java.util.TreeMap<>(metrics).forEach((k, v) -> line.append(String.format(Locale.ROOT, " %s=%.6f", k, v)));
        line.append(String.format(Locale.ROOT, " examples_per_s=%.1f", perSecond));
        job.events.append(JobEvent.newBuilder().setTimeUnixMs(now.toEpochMilli()).setRank(-1).setLine(line.toString())
                .setStep(job.committedStep).putAllMetrics(metrics).setExamplesPerSecond(perSecond));
        job.windowStep = job.committedStep;
        job.windowStart = now;
        job.windowExamples = 0;
    }

    WorkerLogAck log(WorkerLog request) {
        Job job = c.job(request.getJobId());
        if (request.getRank() < 0 || request.getRank() >= job.worldSize) {
            throw new CoordinatorException(BAD_REQUEST, "rank: expected 0.." + (job.worldSize - 1) + " for job "
                    + job.id + ", got " + request.getRank());
        }
        if (request.getLine().isBlank() && request.getEvaluationCount() == 0) {
            throw new CoordinatorException(BAD_REQUEST, "line: required (or evaluation results) in a log from rank "
                    + request.getRank() + " of job " + job.id);
        }
        // A line that arrives after the job's last event is dropped: the log ends with the final status.
        if (!job.events.ended()) {
            Map<String, Double> evaluation = new LinkedHashMap<>(request.getEvaluationMap());
            job.events.append(JobEvent.newBuilder().setTimeUnixMs(c.now().toEpochMilli()).setRank(request.getRank())
                    .setLine(request.getLine()).setStep(request.getStep()).putAllMetrics(evaluation));
        }
        return WorkerLogAck.getDefaultInstance();
    }
}
