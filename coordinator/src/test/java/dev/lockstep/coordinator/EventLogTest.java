package dev.lockstep.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.proto.v1.CommitStepRequest;
import dev.lockstep.proto.v1.JobEvent;
import dev.lockstep.proto.v1.JobRef;
import dev.lockstep.proto.v1.JobState;
import dev.lockstep.proto.v1.StepTimes;
import dev.lockstep.proto.v1.SubmitResponse;
import dev.lockstep.proto.v1.WatchRequest;
import dev.lockstep.proto.v1.WorkerLog;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job's event log: what it records, progress every log_every_steps, and Watch with and without follow. */
class EventLogTest {
    static final String SPEC = Harness.SPEC + "log_every_steps: 2\n";

    @TempDir
    Path stateDir;
    Harness h;
    SubmitResponse job;

    /** Collects one Watch stream; {@code done} completes with null (onCompleted) or the error. */
    static final class Recorder implements StreamObserver<JobEvent> {
        final List<JobEvent> events = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> done = new CompletableFuture<>();

        @Override
        public void onNext(JobEvent e) {
            events.add(e);
        }

        @Override
        public void onError(Throwable t) {
            done.complete(t);
        }

        @Override
        public void onCompleted() {
            done.complete(null);
        }

        List<String> lines() {
            return events.stream().map(JobEvent::getLine).toList();
        }
    }

    @BeforeEach
    void start() {
        h = new Harness(stateDir);
        job = h.submit(SPEC, 2);
    }

    @AfterEach
    void stop() throws InterruptedException {
        h.close();
    }

    private Recorder watch(long fromSeq, boolean follow) {
        Recorder r = new Recorder();
        h.asyncStub().watch(WatchRequest.newBuilder().setJobId(job.getJobId()).setFromSeq(fromSeq).setFollow(follow)
                .build(), r);
        return r;
    }

    private void commit(int rank, long step) {
        h.stub().commitStep(CommitStepRequest.newBuilder().setJobId(job.getJobId()).setRank(rank).setStep(step)
                .setGlobalExamples(24).putMetrics("loss", 1.0 / step).setTimes(StepTimes.newBuilder().setTotal(0.5 * (rank + 1)))
                .build());
    }

    @Test
    void aFollowerSeesTheWholeLifeOfAJobAndTheStreamEndsWithItsFinalStatus() throws Exception {
        Recorder r = watch(0, true);
        h.formRing(job, "127.0.0.1:7001", "127.0.0.1:7002");
        h.stub().log(WorkerLog.newBuilder().setJobId(job.getJobId()).setRank(1).setLine("evaluation at step 0")
                .putEvaluation("accuracy", 0.5).build());
        for (long step = 1; step <= 5; step++) {
            h.clock.advance(Duration.ofMillis(500));
            commit(0, step);
            commit(1, step);
        }
        assertNull(r.done.get(5, TimeUnit.SECONDS), "completed, not failed");
        List<String> lines = r.lines();
        assertTrue(lines.get(0).startsWith("job " + job.getJobId() + " submitted: 2 workers, 5 steps"), lines.toString());
        assertTrue(lines.get(1).startsWith("rank 0 registered: 127.0.0.1:7001 on cpu (1 of 2)"), lines.toString());
        assertTrue(lines.contains("ring formed: epoch 1, 2 workers [127.0.0.1:7001, 127.0.0.1:7002], from step 0"),
                lines.toString());
        JobEvent worker = r.events.stream().filter(e -> e.getRank() == 1).findFirst().orElseThrow();
        assertEquals("evaluation at step 0", worker.getLine());
        assertEquals(0.5, worker.getMetricsOrThrow("accuracy"));

        // Progress at steps 2, 4 (every log_every_steps) and 5 (the last), with the step's metrics.
        List<JobEvent> progress = r.events.stream().filter(e -> e.getRank() == -1 && e.getStep() > 0).toList();
        assertEquals(List.of(2L, 4L, 5L), progress.stream().map(JobEvent::getStep).toList());
        assertEquals(0.25, progress.get(1).getMetricsOrThrow("loss"));
        assertEquals(48 / 1.0, progress.get(1).getExamplesPerSecond(), 1e-9, "2 steps of 24 examples in 1 s");
        assertTrue(progress.get(0).getLine().startsWith("step 2/5 loss=0.500000 examples_per_s="), progress.get(0).getLine());

        JobEvent last = r.events.getLast();
        assertTrue(last.hasFinalStatus());
        assertEquals(JobState.SUCCEEDED, last.getFinalStatus().getState());
        List<Long> seqs = r.events.stream().map(JobEvent::getSeq).toList();
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i + 1, seqs.get(i), "events are numbered 1, 2, 3, ... in order");
        }
    }

    @Test
    void withoutFollowTheStreamEndsAfterTheBacklogAndFromSeqSkipsEarlierEvents() throws Exception {
        h.formRing(job, "127.0.0.1:7001", "127.0.0.1:7002");
        Recorder all = watch(0, false);
        assertNull(all.done.get(5, TimeUnit.SECONDS));
        assertEquals(6, all.events.size(), all.lines().toString()); // submitted, 2 registered, 2 ready, ring formed
        Recorder tail = watch(5, false);
        assertNull(tail.done.get(5, TimeUnit.SECONDS));
        assertEquals(List.of(5L, 6L), tail.events.stream().map(JobEvent::getSeq).toList());
    }

    @Test
    void statusShowsEachRanksStepTimeRankZerosMetricsAndTheCheckpoint() {
        h.formRing(job, "127.0.0.1:7001", "127.0.0.1:7002");
        commit(0, 1);
        commit(1, 1);
        h.stub().commitStep(CommitStepRequest.newBuilder().setJobId(job.getJobId()).setRank(0).setStep(2)
                .putMetrics("loss", 0.125).setCheckpointDir("/tmp/runs/test/ckpt-2").build());
        var status = h.stub().status(JobRef.newBuilder().setJobId(job.getJobId()).build());
        assertEquals(0.125, status.getMetricsOrThrow("loss"));
        assertEquals(2, status.getCheckpointStep());
        assertEquals(List.of(0.5, 1.0), status.getWorkersList().stream().map(w -> w.getLastStepSeconds()).toList());
        assertEquals(List.of(2L, 1L), status.getWorkersList().stream().map(w -> w.getLastStep()).toList());
        Recorder r = watch(0, false);
        assertTrue(r.lines().contains("checkpoint of step 2 recorded: /tmp/runs/test/ckpt-2"), r.lines().toString());
    }

    @Test
    void aCancelledJobEndsTheStreamAndLaterWorkerLinesAreDropped() throws Exception {
        Recorder r = watch(0, true);
        h.stub().cancel(JobRef.newBuilder().setJobId(job.getJobId()).build());
        assertNull(r.done.get(5, TimeUnit.SECONDS));
        assertEquals(JobState.CANCELLED, r.events.getLast().getFinalStatus().getState());
        h.stub().log(WorkerLog.newBuilder().setJobId(job.getJobId()).setRank(0).setLine("late").build());
        Recorder after = watch(0, true);
        assertNull(after.done.get(5, TimeUnit.SECONDS), "a follower of an ended job gets the backlog and the end");
        assertFalse(after.lines().contains("late"));
    }

    @Test
    void closingTheStreamsEndsFollowersWithUnavailable() throws Exception {
        Recorder r = watch(0, true);
        h.coordinator.closeStreams();
        Throwable t = r.done.get(5, TimeUnit.SECONDS);
        assertNotNull(t);
        assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(t).getCode());
    }

    @Test
    void theLogKeepsOnlyTheNewestEvents() {
        EventLog log = new EventLog(3);
        for (int i = 1; i <= 5; i++) {
            log.append(JobEvent.newBuilder().setLine("line " + i));
        }
        List<Long> seqs = new ArrayList<>();
        log.snapshot().forEach(e -> seqs.add(e.getSeq()));
        assertEquals(List.of(3L, 4L, 5L), seqs);
    }
}
