package dev.lockstep.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.proto.v1.CommitStepRequest;
import dev.lockstep.proto.v1.HeartbeatResponse;
import dev.lockstep.proto.v1.JobRef;
import dev.lockstep.proto.v1.JobState;
import dev.lockstep.proto.v1.JobStatus;
import dev.lockstep.proto.v1.ListRequest;
import dev.lockstep.proto.v1.SubmitResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirTest {
    @TempDir
    Path stateDir;

    @Test
    void aCoordinatorRestartedOnTheSameDirListsTheSameJobs() throws Exception {
        List<JobStatus> before;
        SubmitResponse running;
        SubmitResponse cancelled;
        try (Harness h = new Harness(stateDir)) {
            running = h.submit(1);
            h.formRing(running, "a:1");
            h.stub().commitStep(CommitStepRequest.newBuilder().setJobId(running.getJobId()).setRank(0).setStep(1).build());
            cancelled = h.submit(1);
            // The last change before the restart, so it is on disk only if cancel itself saved it.
            h.stub().cancel(JobRef.newBuilder().setJobId(cancelled.getJobId()).build());
            before = h.stub().list(ListRequest.getDefaultInstance()).getJobsList();
        }
        try (Harness h = new Harness(stateDir)) {
            List<JobStatus> after = h.stub().list(ListRequest.getDefaultInstance()).getJobsList();
            assertEquals(before.stream().map(JobStatus::getJobId).toList(), after.stream().map(JobStatus::getJobId).toList());
            assertEquals(before.get(1), after.get(1), "a finished job comes back as it was");
            assertEquals(JobState.CANCELLED, after.get(1).getState());
            JobStatus r = after.get(0);
            // Membership is not stored: the running job waits for its workers again, keeping its progress.
            assertEquals(JobState.WAITING_FOR_WORKERS, r.getState());
            assertEquals(1, r.getCommittedStep());
            assertEquals(running.getJobHash(), r.getJobHash());
            assertEquals(1, r.getEpoch());
            SubmitResponse next = h.submit(1);
            assertTrue(!next.getJobId().equals(running.getJobId()) && !next.getJobId().equals(cancelled.getJobId()),
                    "job ids are not reused after a restart: " + next.getJobId());
        }
    }

    @Test
    void aJobBackFromARestartFormsItsNextRingInTheNextEpoch() throws Exception {
        SubmitResponse job;
        try (Harness h = new Harness(stateDir)) {
            job = h.submit(2);
            h.formRing(job, "a:1", "b:1");
        }
        try (Harness h = new Harness(stateDir)) {
            // A worker of the ring before the coordinator restarted is told to register again.
            var old = h.heartbeat(job.getJobId(), 1, 1, 0);
            assertEquals(HeartbeatResponse.Action.RESTART, old.getAction());
            assertTrue(old.getReason().contains("register again"), old.getReason());
            var early = h.register(job, "a:2");
            assertEquals(1, early.getMembership().getEpoch(), "told the epoch before the ring forms");
            var last = h.register(job, "b:2");
            h.ready(job.getJobId(), early.getRank(), 0);
            var formed = h.ready(job.getJobId(), last.getRank(), 0).getMembership();
            assertEquals(2, formed.getEpoch());
            // The early rank heartbeats with the epoch it was told and learns the new ring.
            var beat = h.heartbeat(job.getJobId(), early.getRank(), 1, 0);
            assertEquals(formed, beat.getMembership());
            var future = assertThrows(io.grpc.StatusRuntimeException.class,
                    () -> h.heartbeat(job.getJobId(), last.getRank(), 3, 0));
            assertEquals(io.grpc.Status.Code.FAILED_PRECONDITION, future.getStatus().getCode());
        }
    }

    @Test
    void eachSaveKeepsThePreviousGoodCopy() throws Exception {
        try (Harness h = new Harness(stateDir)) {
            h.submit(1);
            byte[] first = Files.readAllBytes(stateDir.resolve(StateStore.FILE));
            h.submit(1);
            assertTrue(Arrays.equals(first, Files.readAllBytes(stateDir.resolve(StateStore.FILE + ".prev"))));
            assertTrue(Files.notExists(stateDir.resolve(StateStore.FILE + ".tmp")));
        }
    }

    @Test
    void aTruncatedStateFileIsNamedAndThePreviousCopyPointedTo() throws Exception {
        try (Harness h = new Harness(stateDir)) {
            h.submit(1);
            h.submit(2);
        }
        Path file = stateDir.resolve(StateStore.FILE);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 7));
        var e = assertThrows(StateStore.CorruptStateException.class,
                () -> Coordinator.open(stateDir, CoordinatorConfig.of(Harness.VERSION), InstantSource.system()));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains(StateStore.FILE + ".prev"), e.getMessage());
    }

    @Test
    void aFlippedByteIsCaughtByTheChecksum() throws Exception {
        try (Harness h = new Harness(stateDir)) {
            h.submit(1);
        }
        Path file = stateDir.resolve(StateStore.FILE);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 0x40;
        Files.write(file, bytes);
        var e = assertThrows(StateStore.CorruptStateException.class,
                () -> Coordinator.open(stateDir, CoordinatorConfig.of(Harness.VERSION), InstantSource.system()));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()) && e.getMessage().contains("CRC-32"),
                e.getMessage());
    }
}
