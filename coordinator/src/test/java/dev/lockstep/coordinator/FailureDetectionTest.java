package dev.lockstep.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.proto.v1.CommitStepRequest;
import dev.lockstep.proto.v1.HeartbeatResponse;
import dev.lockstep.proto.v1.JobRef;
import dev.lockstep.proto.v1.JobState;
import dev.lockstep.proto.v1.JobStatus;
import dev.lockstep.proto.v1.SubmitResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Heartbeat deadlines on the injected clock: no test sleeps. */
class FailureDetectionTest {
    @TempDir
    Path stateDir;
    Harness h;
    SubmitResponse job;

    @BeforeEach
    void start() {
        h = new Harness(stateDir);
        job = h.submit(3);
        h.formRing(job, "127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003");
    }

    @AfterEach
    void stop() throws InterruptedException {
        h.close();
    }

    private JobStatus status() {
        return h.stub().status(JobRef.newBuilder().setJobId(job.getJobId()).build());
    }

    @Test
    void aSilentWorkerFailsTheJobNamingItsRankAddressAndLastStepAndSurvivorsAreToldToStop() {
        for (int rank = 0; rank < 3; rank++) {
            h.stub().commitStep(CommitStepRequest.newBuilder().setJobId(job.getJobId()).setRank(rank).setStep(1).build());
            h.heartbeat(job.getJobId(), rank, 1, 1);
        }
        h.clock.advance(Duration.ofSeconds(6));
        h.heartbeat(job.getJobId(), 0, 1, 2);
        h.heartbeat(job.getJobId(), 1, 1, 2);
        h.clock.advance(Duration.ofSeconds(5)); // rank 2 has now been silent for 11 s, the others for 5 s
        HeartbeatResponse survivor = h.heartbeat(job.getJobId(), 0, 1, 2);
        assertEquals(HeartbeatResponse.Action.STOP, survivor.getAction());
        String reason = survivor.getReason();
        assertTrue(reason.contains("rank 2") && reason.contains("127.0.0.1:7003")
                && reason.contains("last step it reported was 1"), reason);
        assertEquals(HeartbeatResponse.Action.STOP, h.heartbeat(job.getJobId(), 1, 1, 2).getAction());
        JobStatus status = status();
        assertEquals(JobState.FAILED, status.getState());
        assertTrue(status.getReason().contains("rank 2 (127.0.0.1:7003)"), status.getReason());
    }

    @Test
    void workersWithinTheDeadlineKeepTheJobRunning() {
        h.clock.advance(Duration.ofSeconds(9));
        for (int rank = 0; rank < 3; rank++) {
            assertEquals(HeartbeatResponse.Action.CONTINUE, h.heartbeat(job.getJobId(), rank, 1, 0).getAction());
        }
        h.clock.advance(Duration.ofSeconds(9));
        assertEquals(JobState.RUNNING, status().getState());
    }

    @Test
    void theDeadlineIsConfigurable() throws InterruptedException {
        h.close();
        h = new Harness(stateDir.resolve("other"), CoordinatorConfig.of(Harness.VERSION)
                .withHeartbeatDeadline(Duration.ofSeconds(2)));
        job = h.submit(1);
        h.register(job, "a:1");
        h.clock.advance(Duration.ofSeconds(3));
        JobStatus status = status();
        assertEquals(JobState.FAILED, status.getState());
        assertTrue(status.getReason().contains("deadline 2000 ms"), status.getReason());
    }

    @Test
    void aWorkerSilentWhileWaitingForOthersAlsoFailsTheJob() throws InterruptedException {
        h.close();
        h = new Harness(stateDir.resolve("waiting"));
        job = h.submit(2);
        h.register(job, "a:1");
        h.clock.advance(Duration.ofSeconds(11));
        h.coordinator.checkDeadlines();
        JobStatus status = status();
        assertEquals(JobState.FAILED, status.getState());
        assertTrue(status.getReason().contains("rank 0 (a:1)"), status.getReason());
    }
}
