package dev.lockstep.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.proto.v1.CommitStepRequest;
import dev.lockstep.proto.v1.FailureReport;
import dev.lockstep.proto.v1.HeartbeatResponse;
import dev.lockstep.proto.v1.JobRef;
import dev.lockstep.proto.v1.JobState;
import dev.lockstep.proto.v1.JobStatus;
import dev.lockstep.proto.v1.Membership;
import dev.lockstep.proto.v1.SubmitResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed attempt restarts the job from its newest checkpoint while max_restarts allows, then fails it. */
class RestartTest {
    static final String SPEC = Harness.SPEC + "distributed: {max_restarts: 2}\n";

    @TempDir
    Path stateDir;
    Harness h;
    SubmitResponse job;
    long epoch;

    @BeforeEach
    void start() {
        h = new Harness(stateDir);
        job = h.submit(SPEC, 2);
        epoch = h.formRing(job, "127.0.0.1:7001", "127.0.0.1:7002").getEpoch();
    }

    @AfterEach
    void stop() throws InterruptedException {
        h.close();
    }

    private JobStatus status() {
        return h.stub().status(JobRef.newBuilder().setJobId(job.getJobId()).build());
    }

    private void report(int rank, long inEpoch, String reason) {
        h.stub().reportFailure(FailureReport.newBuilder().setJobId(job.getJobId()).setRank(rank).setEpoch(inEpoch)
                .setReason(reason).build());
    }

    /** Both ranks commit steps 1..n; rank 0 reports a checkpoint at {@code checkpointAt}. */
    private void train(long from, long to, long checkpointAt) {
        for (long step = from; step <= to; step++) {
            for (int rank = 0; rank < 2; rank++) {
                CommitStepRequest.Builder b = CommitStepRequest.newBuilder().setJobId(job.getJobId()).setRank(rank).setStep(step);
                if (rank == 0 && step == checkpointAt) {
                    b.setCheckpointDir("/tmp/runs/test/ckpt-" + step);
                }
                h.stub().commitStep(b.build());
            }
        }
    }

    @Test
    void aReportedFailureRestartsFromTheNewestCheckpointAndOldMembersAreToldToRestart() {
        train(1, 3, 2);
        report(1, epoch, "all-reduce of bucket 0 timed out waiting for rank 0 (127.0.0.1:7001)");
        JobStatus status = status();
        assertEquals(JobState.WAITING_FOR_WORKERS, status.getState());
        assertEquals(1, status.getRestarts());
        assertEquals(2, status.getMaxRestarts());
        assertEquals(2, status.getCheckpointStep());
        assertEquals(2, status.getCommittedStep(), "back to the newest checkpoint");
        assertEquals(0, status.getRegisteredWorkers());

        HeartbeatResponse old = h.heartbeat(job.getJobId(), 0, epoch, 3);
        assertEquals(HeartbeatResponse.Action.RESTART, old.getAction());
        assertTrue(old.getReason().contains("rank 1 (127.0.0.1:7002) failed")
                && old.getReason().contains("all-reduce of bucket 0 timed out")
                && old.getReason().contains("restart 1 of 2"), old.getReason());

        // A late report from the attempt that is over changes nothing.
        report(0, epoch, "lost rank 1");
        assertEquals(1, status().getRestarts());

        // The workers register again, resume from the checkpoint and train on.
        var a = h.register(job, "127.0.0.1:7001");
        assertEquals(1, a.getRestarts());
        h.register(job, "127.0.0.1:7002");
        h.ready(job.getJobId(), 0, 2);
        Membership ring = h.ready(job.getJobId(), 1, 2).getMembership();
        assertTrue(ring.getEpoch() > epoch, ring.toString());
        assertEquals(HeartbeatResponse.Action.RESTART, h.heartbeat(job.getJobId(), 1, epoch, 3).getAction(),
                "a member of the failed attempt is still told to restart");
        assertEquals(HeartbeatResponse.Action.CONTINUE, h.heartbeat(job.getJobId(), 1, ring.getEpoch(), 2).getAction());
        // A worker of the old attempt that has not heard yet commits into a rank a new worker holds: refused.
        io.grpc.StatusRuntimeException stale = org.junit.jupiter.api.Assertions.assertThrows(
                io.grpc.StatusRuntimeException.class, () -> h.stub().commitStep(dev.lockstep.proto.v1.CommitStepRequest
                        .newBuilder().setJobId(job.getJobId()).setRank(1).setStep(3).setEpoch(epoch).build()));
        assertTrue(stale.getStatus().getDescription().contains("rank 1 committed step 3 of membership epoch " + epoch
                + ", but job " + job.getJobId() + " is in epoch " + ring.getEpoch()), stale.getStatus().getDescription());
        assertEquals(2, status().getCommittedStep(), "the stale commit changed nothing");
        train(3, 5, 0);
        assertEquals(JobState.SUCCEEDED, status().getState());
    }

    @Test
    void afterTheLastRestartAFailureFailsTheJobWithTheWorkersReason() {
        report(1, epoch, "device lost");
        long second = h.formRing(job, "127.0.0.1:7001", "127.0.0.1:7002").getEpoch();
        report(0, second, "device lost again");
        long third = h.formRing(job, "127.0.0.1:7001", "127.0.0.1:7002").getEpoch();
        report(1, third, "out of memory");
        JobStatus status = status();
        assertEquals(JobState.FAILED, status.getState());
        assertEquals(2, status.getRestarts());
        assertTrue(status.getReason().startsWith("rank 1 (127.0.0.1:7002) failed at step 0: out of memory"),
                status.getReason());
        assertTrue(status.getReason().contains("2 of max_restarts 2"), status.getReason());
        assertEquals(HeartbeatResponse.Action.STOP, h.heartbeat(job.getJobId(), 0, third, 0).getAction());
    }

    @Test
    void aSilentWorkerRestartsTheJobToo() {
        train(1, 1, 1);
        h.clock.advance(Duration.ofSeconds(6));
        h.heartbeat(job.getJobId(), 0, epoch, 1);
        h.clock.advance(Duration.ofSeconds(5));
        h.coordinator.checkDeadlines();
        JobStatus status = status();
        assertEquals(JobState.WAITING_FOR_WORKERS, status.getState());
        assertEquals(1, status.getRestarts());
        HeartbeatResponse survivor = h.heartbeat(job.getJobId(), 0, epoch, 1);
        assertEquals(HeartbeatResponse.Action.RESTART, survivor.getAction());
        assertTrue(survivor.getReason().contains("rank 1 (127.0.0.1:7002) sent no heartbeat"), survivor.getReason());
    }

    @Test
    void theCheckpointAndRestartsSurviveACoordinatorRestart() throws Exception {
        train(1, 2, 2);
        report(0, epoch, "disk full");
        h.close();
        h = new Harness(stateDir);
        JobStatus status = status();
        assertEquals(1, status.getRestarts());
        assertEquals(2, status.getCheckpointStep());
        assertEquals(2, status.getMaxRestarts());
    }
}
