package dev.lockstep.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.proto.v1.HeartbeatResponse;
import dev.lockstep.proto.v1.JobRef;
import dev.lockstep.proto.v1.JobState;
import dev.lockstep.proto.v1.Membership;
import dev.lockstep.proto.v1.RegisterWorkerRequest;
import dev.lockstep.proto.v1.RegisterWorkerResponse;
import dev.lockstep.proto.v1.SubmitResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MembershipServiceTest {
    @TempDir
    Path stateDir;
    Harness h;
    SubmitResponse job;

    @BeforeEach
    void start() {
        h = new Harness(stateDir);
        job = h.submit(3);
    }

    @AfterEach
    void stop() throws InterruptedException {
        h.close();
    }

    private RegisterWorkerRequest.Builder request(String address) {
        return RegisterWorkerRequest.newBuilder().setJobId(job.getJobId()).setAddress(address).setDevice("cpu")
                .setLockstepVersion(Harness.VERSION).setJobHash(job.getJobHash());
    }

    @Test
    void threeWorkersGetRanksInRegistrationOrderAndTheSameRingAndEpoch() {
        RegisterWorkerResponse a = h.register(job, "127.0.0.1:7001");
        RegisterWorkerResponse b = h.register(job, "127.0.0.1:7002");
        assertEquals(0, a.getMembership().getRingCount(), "no ring before everyone is there");
        assertEquals(JobState.WAITING_FOR_WORKERS,
                h.stub().status(JobRef.newBuilder().setJobId(job.getJobId()).build()).getState());
        RegisterWorkerResponse c = h.register(job, "127.0.0.1:7003");
        assertEquals(List.of(0, 1, 2), List.of(a.getRank(), b.getRank(), c.getRank()));
        assertEquals(0, c.getMembership().getRingCount(), "no ring before every rank is ready");
        h.ready(job.getJobId(), 2, 0);
        assertEquals(0, h.ready(job.getJobId(), 0, 0).getMembership().getRingCount());
        Membership formed = h.ready(job.getJobId(), 1, 0).getMembership();

        List<String> ring = List.of("127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003");
        assertEquals(ring, formed.getRingList());
        assertEquals(1, formed.getEpoch());
        // The early ranks learn the ring from their next heartbeat: the same ring, the same epoch.
        Membership fromA = h.heartbeat(job.getJobId(), 0, 0, 0).getMembership();
        Membership fromB = h.heartbeat(job.getJobId(), 1, 0, 0).getMembership();
        assertEquals(formed, fromA);
        assertEquals(formed, fromB);
        assertEquals(JobState.RUNNING, h.stub().status(JobRef.newBuilder().setJobId(job.getJobId()).build()).getState());
    }

    @Test
    void aRequestedRankIsHonouredAndOthersFillTheRest() {
        assertEquals(2, h.stub().registerWorker(request("c:1").setRequestedRank(2).build()).getRank());
        assertEquals(0, h.register(job, "a:1").getRank());
        RegisterWorkerResponse last = h.register(job, "b:1");
        assertEquals(1, last.getRank());
        for (int rank = 0; rank < 3; rank++) {
            h.ready(job.getJobId(), rank, 0);
        }
        assertEquals(List.of("a:1", "b:1", "c:1"), h.heartbeat(job.getJobId(), 0, 1, 0).getMembership().getRingList());
    }

    @Test
    void aMismatchedHashAndVersionAreRefusedNamingBothValuesOfEach() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> h.stub().registerWorker(
                request("w:1").setJobHash("sha256:feed").setLockstepVersion("9.9.9").build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        String message = e.getStatus().getDescription();
        for (String part : List.of("sha256:feed", job.getJobHash(), "9.9.9", Harness.VERSION, "w:1")) {
            assertTrue(message.contains(part), "missing " + part + " in: " + message);
        }
    }

    @Test
    void aMismatchedVersionAloneIsRefused() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> h.stub().registerWorker(request("w:1").setLockstepVersion("0.0.1").build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("Lockstep version 0.0.1 (worker) vs " + Harness.VERSION),
                e.getStatus().getDescription());
    }

    @Test
    void aFourthWorkerIsRefused() {
        h.register(job, "a:1");
        h.register(job, "b:1");
        h.register(job, "c:1");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> h.register(job, "d:1"));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("all 3"), e.getStatus().getDescription());
    }

    @Test
    void aDuplicateAddressOrATakenRankIsAlreadyExists() {
        h.register(job, "a:1");
        StatusRuntimeException dup = assertThrows(StatusRuntimeException.class, () -> h.register(job, "a:1"));
        assertEquals(Status.Code.ALREADY_EXISTS, dup.getStatus().getCode());
        assertTrue(dup.getStatus().getDescription().contains("rank 0"), dup.getStatus().getDescription());
        StatusRuntimeException taken = assertThrows(StatusRuntimeException.class,
                () -> h.stub().registerWorker(request("b:1").setRequestedRank(0).build()));
        assertEquals(Status.Code.ALREADY_EXISTS, taken.getStatus().getCode());
        StatusRuntimeException range = assertThrows(StatusRuntimeException.class,
                () -> h.stub().registerWorker(request("b:1").setRequestedRank(3).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, range.getStatus().getCode());
    }

    @Test
    void aHeartbeatFromALaterEpochIsRefused() {
        h.formRing(job, "a:1", "b:1", "c:1");
        assertEquals(HeartbeatResponse.Action.CONTINUE, h.heartbeat(job.getJobId(), 0, 1, 0).getAction());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> h.heartbeat(job.getJobId(), 0, 7, 0));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    }
}
