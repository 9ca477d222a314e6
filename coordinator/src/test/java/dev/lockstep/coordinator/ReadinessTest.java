package dev.lockstep.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.proto.v1.JobRef;
import dev.lockstep.proto.v1.JobState;
import dev.lockstep.proto.v1.JobStatus;
import dev.lockstep.proto.v1.RegisterWorkerRequest;
import dev.lockstep.proto.v1.RegisterWorkerResponse;
import dev.lockstep.proto.v1.SubmitResponse;
import dev.lockstep.proto.v1.WorkerReadyRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registration without a job id, and readiness: the ring forms only when every rank agrees on model and step. */
class ReadinessTest {
    @TempDir
    Path stateDir;
    Harness h;

    @BeforeEach
    void start() {
        h = new Harness(stateDir);
    }

    @AfterEach
    void stop() throws InterruptedException {
        h.close();
    }

    private RegisterWorkerResponse registerAnywhere(String address) {
        return h.stub().registerWorker(RegisterWorkerRequest.newBuilder().setAddress(address).setDevice("cpu")
                .setLockstepVersion(Harness.VERSION).build());
    }

    private StatusRuntimeException refusedReady(String jobId, int rank, String fingerprint, long startStep) {
        return assertThrows(StatusRuntimeException.class, () -> h.stub().workerReady(WorkerReadyRequest.newBuilder()
                .setJobId(jobId).setRank(rank).setModelFingerprint(fingerprint).setStartStep(startStep).build()));
    }

    private JobStatus status(String jobId) {
        return h.stub().status(JobRef.newBuilder().setJobId(jobId).build());
    }

    @Test
    void aWorkerThatNamesNoJobTakesTheOldestWaitingOneAndItsSpec() {
        SubmitResponse first = h.submit(1);
        SubmitResponse second = h.submit(1);
        RegisterWorkerResponse a = registerAnywhere("127.0.0.1:7001");
        assertEquals(first.getJobId(), a.getJobId());
        assertEquals(first.getJobHash(), a.getJobHash());
        assertTrue(a.getCanonicalSpec().contains("\"batch_size\": 24"), a.getCanonicalSpec());
        assertEquals(2000, a.getHeartbeatIntervalMs(), "a fifth of the 10 s deadline");
        assertEquals(0, a.getRestarts());
        // The first job's only rank is taken: the next worker goes to the second job.
        assertEquals(second.getJobId(), registerAnywhere("127.0.0.1:7002").getJobId());
    }

    @Test
    void noWaitingJobIsFailedPreconditionListingTheJobsAndTheirStates() {
        SubmitResponse job = h.submit(1);
        h.formRing(job, "127.0.0.1:7001");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> registerAnywhere("127.0.0.1:7002"));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        String message = e.getStatus().getDescription();
        assertTrue(message.contains("no job") && message.contains(job.getJobId() + " RUNNING"), message);
    }

    @Test
    void aDifferentFingerprintIsRefusedNamingBothRanksAndValuesAndTheRankIsFreed() {
        SubmitResponse job = h.submit(2);
        h.register(job, "127.0.0.1:7001");
        h.register(job, "127.0.0.1:7002");
        h.ready(job.getJobId(), 0, 0);
        StatusRuntimeException e = refusedReady(job.getJobId(), 1, "sha256:other", 0);
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        String message = e.getStatus().getDescription();
        for (String part : List.of("rank 1", "rank 0", "sha256:other", Harness.FINGERPRINT, "127.0.0.1:7002")) {
            assertTrue(message.contains(part), "missing " + part + " in: " + message);
        }
        JobStatus status = status(job.getJobId());
        assertEquals(JobState.WAITING_FOR_WORKERS, status.getState());
        assertEquals(1, status.getRegisteredWorkers(), "the refused rank is free again");
        // Another worker takes rank 1 and the ring forms.
        assertEquals(1, h.register(job, "127.0.0.1:7003").getRank());
        assertEquals(List.of("127.0.0.1:7001", "127.0.0.1:7003"),
                h.ready(job.getJobId(), 1, 0).getMembership().getRingList());
    }

    @Test
    void aDifferentStartStepIsRefusedNamingBothValues() {
        SubmitResponse job = h.submit(2);
        h.register(job, "127.0.0.1:7001");
        h.register(job, "127.0.0.1:7002");
        h.ready(job.getJobId(), 1, 3);
        String message = refusedReady(job.getJobId(), 0, Harness.FINGERPRINT, 0).getStatus().getDescription();
        assertTrue(message.contains("start step 0 (rank 0) vs 3 (rank 1)"), message);
    }

    @Test
    void theRingStartsAtTheAgreedStartStep() {
        SubmitResponse job = h.submit(2);
        h.register(job, "127.0.0.1:7001");
        h.register(job, "127.0.0.1:7002");
        assertEquals(0, h.ready(job.getJobId(), 0, 3).getMembership().getRingCount(), "rank 1 is not ready yet");
        assertEquals(JobState.WAITING_FOR_WORKERS, status(job.getJobId()).getState());
        assertEquals(2, h.ready(job.getJobId(), 1, 3).getMembership().getRingCount());
        assertEquals(JobState.RUNNING, status(job.getJobId()).getState());
        assertEquals(3, status(job.getJobId()).getCommittedStep());
        StatusRuntimeException early = assertThrows(StatusRuntimeException.class, () -> h.commit(job.getJobId(), 0, 1));
        assertTrue(early.getStatus().getDescription().contains("next step is 4"), early.getStatus().getDescription());
        h.commit(job.getJobId(), 0, 4);
        assertEquals(4, h.commit(job.getJobId(), 1, 4).getCommittedStep());
    }

    @Test
    void aRetriedReadyIsAnsweredAgainAndAMissingFingerprintNamesTheField() {
        SubmitResponse job = h.submit(1);
        h.register(job, "127.0.0.1:7001");
        var first = h.ready(job.getJobId(), 0, 0);
        assertEquals(first, h.ready(job.getJobId(), 0, 0));
        StatusRuntimeException e = refusedReady(job.getJobId(), 0, "", 0);
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("model_fingerprint:"), e.getStatus().getDescription());
    }

    @Test
    void aWorkerWithNoJobHashIsAcceptedAndAWrongOneRefused() {
        SubmitResponse job = h.submit(2);
        RegisterWorkerRequest.Builder request = RegisterWorkerRequest.newBuilder().setJobId(job.getJobId())
                .setAddress("127.0.0.1:7001").setLockstepVersion(Harness.VERSION);
        assertEquals(0, h.stub().registerWorker(request.build()).getRank());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> h.stub().registerWorker(
                request.setAddress("127.0.0.1:7002").setJobHash("sha256:feed").build()));
        assertTrue(e.getStatus().getDescription().contains("sha256:feed"), e.getStatus().getDescription());
    }

    @Test
    void aSpecThatTrainsForEpochsEndsAtTheStepTheReadyWorkersComputedAndTheyMustAgree() {
        String spec = Harness.SPEC.replaceFirst("steps: 5", "epochs: 2");
        assertTrue(spec.contains("epochs: 2"), spec);
        SubmitResponse job = h.submit(spec, 2);
        assertEquals(0, status(job.getJobId()).getTrainSteps(), "unknown until a worker computes it from its data");
        registerAnywhere("127.0.0.1:7001");
        registerAnywhere("127.0.0.1:7002");
        h.stub().workerReady(WorkerReadyRequest.newBuilder().setJobId(job.getJobId()).setRank(0)
                .setModelFingerprint(Harness.FINGERPRINT).setTrainSteps(6).build());
        assertEquals(6, status(job.getJobId()).getTrainSteps());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> h.stub().workerReady(
                WorkerReadyRequest.newBuilder().setJobId(job.getJobId()).setRank(1)
                        .setModelFingerprint(Harness.FINGERPRINT).setTrainSteps(7).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("rank 1 of job " + job.getJobId()
                + " trains to step 7 but the job ends at step 6"), e.getStatus().getDescription());
    }

    @Test
    void workersThatResumeAtTheLastStepEndTheJobAtOnce() {
        SubmitResponse job = h.submit(2);
        long last = status(job.getJobId()).getTrainSteps();
        assertTrue(last > 0);
        h.register(job, "127.0.0.1:7001");
        h.register(job, "127.0.0.1:7002");
        h.ready(job.getJobId(), 0, last);
        h.ready(job.getJobId(), 1, last);
        JobStatus s = status(job.getJobId());
        assertEquals(JobState.SUCCEEDED, s.getState(), s.toString());
        assertTrue(s.getReason().contains("already trained: the workers resumed at step " + last), s.getReason());
    }
}
