package dev.lockstep.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.proto.v1.CommitStepRequest;
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
            cancelled = h.submit(1);
            h.stub().cancel(JobRef.newBuilder().setJobId(cancelled.getJobId()).build());
            running = h.submit(1);
            h.register(running, "a:1");
            h.stub().commitStep(CommitStepRequest.newBuilder().setJobId(running.getJobId()).setRank(0).setStep(1).build());
            before = h.stub().list(ListRequest.getDefaultInstance()).getJobsList();
        }
        try (Harness h = new Harness(stateDir)) {
            List<JobStatus> after = h.stub().list(ListRequest.getDefaultInstance()).getJobsList();
            assertEquals(before.stream().map(JobStatus::getJobId).toList(), after.stream().map(JobStatus::getJobId).toList());
            assertEquals(before.get(0), after.get(0), "a finished job comes back as it was");
            JobStatus r = after.get(1);
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
