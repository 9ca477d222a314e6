package dev.lockstep.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.job.JobSpec;
import dev.lockstep.job.SpecFixtures;
import dev.lockstep.proto.v1.JobRef;
import dev.lockstep.proto.v1.JobState;
import dev.lockstep.proto.v1.JobStatus;
import dev.lockstep.proto.v1.ListRequest;
import dev.lockstep.proto.v1.SubmitRequest;
import dev.lockstep.proto.v1.SubmitResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobsServiceTest {
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

    @Test
    void aGoodSpecIsStoredUnderItsCanonicalHashAndWaitsForWorkers() {
        SubmitResponse job = h.submit(3);
        assertEquals(JobSpec.parse(Harness.SPEC, Path.of("/tmp/specs")).hash(), job.getJobHash());
        JobStatus status = h.stub().status(JobRef.newBuilder().setJobId(job.getJobId()).build());
        assertEquals(JobState.WAITING_FOR_WORKERS, status.getState());
        assertEquals(3, status.getWorldSize());
        assertEquals(0, status.getRegisteredWorkers());
    }

    @Test
    void aBadSpecIsInvalidArgumentWithTheParsersFieldPath() {
        String bad = SpecFixtures.GOOD.replace("units: 16", "units: ten");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> h.stub().submit(
                SubmitRequest.newBuilder().setSpecYaml(bad).setBaseDir("/tmp").setWorldSize(2).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("model.layers[0].dense.units"), e.getStatus().getDescription());
        assertEquals(0, h.stub().list(ListRequest.getDefaultInstance()).getJobsCount(), "a refused spec is not stored");
    }

    @Test
    void aNegativeWorldSizeIsInvalidArgumentNamingTheField() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> h.submit(-1));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("world_size:"), e.getStatus().getDescription());
    }

    @Test
    void worldSizeZeroTakesTheSpecsWorkersAndTheSpecsMaxRestarts() {
        String spec = Harness.SPEC + "distributed: {workers: 4, max_restarts: 2}\n";
        JobStatus status = h.stub().status(JobRef.newBuilder().setJobId(h.submit(spec, 0).getJobId()).build());
        assertEquals(4, status.getWorldSize());
        assertEquals(2, status.getMaxRestarts());
        assertEquals(5, status.getTrainSteps());
    }

    @Test
    void aWorldSizeThatDoesNotSplitTheBatchIsRefusedNamingBoth() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> h.submit(5));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        String message = e.getStatus().getDescription();
        assertTrue(message.startsWith("world_size: 5") && message.contains("train.batch_size 24"), message);
        assertEquals(0, h.stub().list(ListRequest.getDefaultInstance()).getJobsCount());
    }

    @Test
    void listShowsJobsInSubmissionOrderAndCancelEndsOneOfThem() {
        SubmitResponse a = h.submit(1);
        SubmitResponse b = h.submit(2);
        JobStatus cancelled = h.stub().cancel(JobRef.newBuilder().setJobId(a.getJobId()).build());
        assertEquals(JobState.CANCELLED, cancelled.getState());
        List<JobStatus> jobs = h.stub().list(ListRequest.getDefaultInstance()).getJobsList();
        assertEquals(List.of(a.getJobId(), b.getJobId()), jobs.stream().map(JobStatus::getJobId).toList());
        assertEquals(List.of(JobState.CANCELLED, JobState.WAITING_FOR_WORKERS),
                jobs.stream().map(JobStatus::getState).toList());

        StatusRuntimeException again = assertThrows(StatusRuntimeException.class,
                () -> h.stub().cancel(JobRef.newBuilder().setJobId(a.getJobId()).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, again.getStatus().getCode());
        assertTrue(again.getStatus().getDescription().contains("CANCELLED"), again.getStatus().getDescription());
    }

    @Test
    void anUnknownJobIsNotFoundNamingIt() {
        h.submit(1);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> h.stub().status(JobRef.newBuilder().setJobId("job-999").build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("job-999"), e.getStatus().getDescription());
    }

    @Test
    void aCancelledJobTellsItsWorkersToStop() {
        SubmitResponse job = h.submit(1);
        int rank = h.register(job, "w0:1").getRank();
        h.stub().cancel(JobRef.newBuilder().setJobId(job.getJobId()).build());
        var answer = h.heartbeat(job.getJobId(), rank, 1, 0);
        assertEquals(dev.lockstep.proto.v1.HeartbeatResponse.Action.STOP, answer.getAction());
        assertTrue(answer.getReason().contains("cancelled"), answer.getReason());
    }
}
