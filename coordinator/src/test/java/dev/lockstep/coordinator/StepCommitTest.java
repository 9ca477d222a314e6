package dev.lockstep.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.proto.v1.CommitStepRequest;
import dev.lockstep.proto.v1.DataCursor;
import dev.lockstep.proto.v1.StageCursor;
import dev.lockstep.proto.v1.PathChecksum;
import dev.lockstep.proto.v1.HeartbeatResponse;
import dev.lockstep.proto.v1.JobRef;
import dev.lockstep.proto.v1.JobState;
import dev.lockstep.proto.v1.JobStatus;
import dev.lockstep.proto.v1.SubmitResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepCommitTest {
    @TempDir
    Path stateDir;
    Harness h;
    SubmitResponse job;

    @BeforeEach
    void start() {
        h = new Harness(stateDir);
        job = h.submit(2); // SpecFixtures.GOOD trains 5 steps
        h.formRing(job, "a:1", "b:1");
    }

    @AfterEach
    void stop() throws InterruptedException {
        h.close();
    }

    private long commit(int rank, long step) {
        return h.stub().commitStep(CommitStepRequest.newBuilder().setJobId(job.getJobId()).setRank(rank).setStep(step)
                .build()).getCommittedStep();
    }

    private JobStatus status() {
        return h.stub().status(JobRef.newBuilder().setJobId(job.getJobId()).build());
    }

    @Test
    void theCommittedStepIsTheMinimumOverRanks() {
        assertEquals(0, commit(0, 1));
        assertEquals(0, commit(0, 2));
        assertEquals(1, commit(1, 1));
        assertEquals(1, commit(0, 3));
        assertEquals(2, commit(1, 2));
        assertEquals(2, status().getCommittedStep());
    }

    @Test
    void aStepOutOfOrderIsRefusedNamingTheRankAndTheExpectedStep() {
        commit(0, 1);
        StatusRuntimeException skip = assertThrows(StatusRuntimeException.class, () -> commit(0, 3));
        assertEquals(Status.Code.FAILED_PRECONDITION, skip.getStatus().getCode());
        assertTrue(skip.getStatus().getDescription().contains("rank 0")
                && skip.getStatus().getDescription().contains("next step is 2"), skip.getStatus().getDescription());
        StatusRuntimeException repeat = assertThrows(StatusRuntimeException.class, () -> commit(0, 1));
        assertEquals(Status.Code.FAILED_PRECONDITION, repeat.getStatus().getCode());
    }

    @Test
    void differingReplicaChecksumsFailTheJobNamingBothRanksAndTheFirstDifferingPath() {
        h.stub().commitStep(CommitStepRequest.newBuilder().setJobId(job.getJobId()).setRank(0).setStep(1)
                .addReplicaChecksums(checksum("a/bias", "f32[2]:00000001"))
                .addReplicaChecksums(checksum("w", "f32[3]:c0ffee00"))
                .addReplicaChecksums(checksum("z", "f32[3]:12345678")).build());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> h.stub().commitStep(
                CommitStepRequest.newBuilder().setJobId(job.getJobId()).setRank(1).setStep(1)
                        .addReplicaChecksums(checksum("a/bias", "f32[2]:00000001"))
                        .addReplicaChecksums(checksum("w", "f32[3]:beef0000"))
                        .addReplicaChecksums(checksum("z", "f32[3]:87654321")).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        JobStatus status = status();
        assertEquals(JobState.FAILED, status.getState());
        assertTrue(status.getReason().contains("after step 1 at w: rank 0 has f32[3]:c0ffee00, rank 1 has f32[3]:beef0000"), status.getReason());
    }

    private long commit(int rank, long step, long... position) {
        return h.stub().commitStep(CommitStepRequest.newBuilder().setJobId(job.getJobId()).setRank(rank).setStep(step)
                .setDataCursor(cursor(position)).build()).getCommittedStep();
    }

    private static com.google.protobuf.ByteString cursor(long... position) {
        return DataCursor.newBuilder().setPipeline("batch(8) <- synthetic")
                .addStages(StageCursor.newBuilder().addAllValues(java.util.Arrays.stream(position).boxed().toList()))
                .build().toByteString();
    }

    @Test
    void theCommittedDataPositionIsTheOneEveryRankReportedForTheCommittedStep() {
        commit(0, 1, 0, 8);
        commit(0, 2, 0, 16);
        assertEquals(com.google.protobuf.ByteString.EMPTY, status().getCommittedDataCursor(), "no step committed by all");
        commit(1, 1, 0, 8);
        assertEquals(cursor(0, 8), status().getCommittedDataCursor());
        commit(1, 2, 0, 16);
        assertEquals(cursor(0, 16), status().getCommittedDataCursor());
    }

    @Test
    void ranksAtDifferentDataPositionsFailTheJobNamingBothRanksAndTheStep() {
        commit(0, 1, 0, 8);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> commit(1, 1, 0, 16));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        JobStatus status = status();
        assertEquals(JobState.FAILED, status.getState());
        assertTrue(status.getReason().contains("ranks read different data at step 1: rank 0 is at [[0, 8]], "
                + "rank 1 at [[0, 16]]"), status.getReason());
    }

    @Test
    void theCommittedDataPositionSurvivesACoordinatorRestart() throws Exception {
        for (long step = 1; step <= 2; step++) {
            commit(0, step, 1, step);
            commit(1, step, 1, step);
        }
        // Stored with the state written when a checkpoint is recorded.
        h.stub().commitStep(CommitStepRequest.newBuilder().setJobId(job.getJobId()).setRank(0).setStep(3)
                .setDataCursor(cursor(1, 3)).setCheckpointDir("/tmp/ckpt-3").build());
        commit(1, 3, 1, 3);
        h.close();
        h = new Harness(stateDir);
        assertEquals(cursor(1, 2), status().getCommittedDataCursor(),
                "the position stored with the checkpoint's state write (step 2 was committed by both then)");
    }

    @Test
    void theJobSucceedsWhenEveryRankCommitsTheLastStep() {
        for (long step = 1; step <= 5; step++) {
            commit(0, step);
        }
        for (long step = 1; step <= 4; step++) {
            commit(1, step);
        }
        assertEquals(JobState.RUNNING, status().getState());
        commit(1, 5);
        assertEquals(JobState.SUCCEEDED, status().getState());
        assertEquals(HeartbeatResponse.Action.STOP, h.heartbeat(job.getJobId(), 0, 1, 5).getAction());
    }

    private static PathChecksum checksum(String path, String value) {
        return PathChecksum.newBuilder().setPath(path).setChecksum(value).build();
    }
}
