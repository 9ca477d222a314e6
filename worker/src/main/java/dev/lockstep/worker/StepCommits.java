package dev.lockstep.worker;

import dev.lockstep.estimator.Listener;
import dev.lockstep.proto.v1.CommitStepRequest;
import dev.lockstep.proto.v1.PathChecksum;
import dev.lockstep.proto.v1.WorkerLog;
import dev.lockstep.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * Step 5 of DESIGN.md for one rank: commits every finished step to the coordinator with its global
 * metrics, the split of its time, every K steps the per-path checksums of parameters, slots and state,
 * and on rank 0 the checkpoint written for it. A step's commit waits until the next step starts (or
 * training ends) so the checkpoint of that step, written right after it, goes with it. Commits are
 * sent in order on one thread, off the training thread; the first refusal is kept for the worker.
 */
final class StepCommits implements Listener, AutoCloseable {
    private final CoordinatorLink link;
    private final String jobId;
    private final int rank;
    private final int worldSize;
    private final long checkEverySteps;
    private final Supplier<Map<String, HostTensor>> values;
    private final Heartbeats heartbeats;
    private final ExecutorService sender;
    private final AtomicReference<WorkerException> failure = new AtomicReference<>();
    private CommitStepRequest.Builder pending;

    StepCommits(CoordinatorLink link, String jobId, int rank, int worldSize, long checkEverySteps,
                Supplier<Map<String, HostTensor>> values, Heartbeats heartbeats) {
        this.link = link;
        this.jobId = jobId;
        this.rank = rank;
        this.worldSize = worldSize;
        this.checkEverySteps = checkEverySteps;
        this.values = values;
        this.heartbeats = heartbeats;
        this.sender = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("lockstep-commits-rank-" + rank).factory());
    }

    @Override
    public void onStep(StepEvent e) {
        flush();
        Listener.StepTimes t = e.times();
        CommitStepRequest.Builder b = CommitStepRequest.newBuilder().setJobId(jobId).setRank(rank).setStep(e.step())
                .setEpoch(heartbeats.epoch())
                .putAllMetrics(e.metrics()).setGlobalExamples(e.examples() * worldSize)
                .setTimes(dev.lockstep.proto.v1.StepTimes.newBuilder().setTotal(e.stepSeconds()).setDataWait(e.dataWaitSeconds())
                        .setCompute(t.compute()).setAllreduce(t.reduce()).setApply(t.apply()));
        if (e.dataCursor() != null) {
            b.setDataCursor(e.dataCursor().toProto().toByteString());
        }
        if (checkEverySteps > 0 && e.step() % checkEverySteps == 0) {
            checksums(values.get()).forEach((path, sum) ->
                    b.addReplicaChecksums(PathChecksum.newBuilder().setPath(path).setChecksum(sum)));
        }
        pending = b;
        heartbeats.step(e.step());
    }

    @Override
    public void onCheckpoint(CheckpointEvent e) {
        if (pending != null && pending.getStep() == e.step()) {
            pending.setCheckpointDir(e.directory().toString());
        }
        if (rank == 0) {
            send(WorkerLog.newBuilder().setJobId(jobId).setRank(rank).setStep(e.step()).setLine(String.format(
                    Locale.ROOT, "checkpoint of step %d written to %s (%d bytes, %.2f s)", e.step(), e.directory(),
                    e.bytes(), e.seconds())).build());
        }
    }

    @Override
    public void onEvaluation(EvaluationEvent e) {
        if (rank != 0) {
            return; // every rank evaluates the same weights on the same data: one report is enough
        }
        StringBuilder line = new StringBuilder("evaluation at step " + e.step() + " over " + e.examples()
                + " examples:");
        e.metrics().forEach((k, v) -> line.append(String.format(Locale.ROOT, " %s=%.6f", k, v)));
        send(WorkerLog.newBuilder().setJobId(jobId).setRank(rank).setStep(e.step()).setLine(line.toString())
                .putAllEvaluation(e.metrics()).build());
    }

    /** Sends the pending commit, if any. */
    void flush() {
        if (pending == null) {
            return;
        }
        CommitStepRequest request = pending.build();
        pending = null;
        sender.execute(() -> {
            if (failure.get() != null) {
                return;
            }
            try {
                link.commit(request);
            } catch (WorkerException ex) {
                failure.compareAndSet(null, ex);
            }
        });
    }

    private void send(WorkerLog line) {
        sender.execute(() -> link.log(line));
    }

    /** The first commit the coordinator refused (the job failed, a replica differs, ...). */
    Optional<WorkerException> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** CRC-32C of each tensor's little-endian bytes, with its type: {@code "f32[3, 4]:1a2b3c4d"}, by path. */
    static Map<String, String> checksums(Map<String, HostTensor> values) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((path, v) -> out.put(path, v.type().dtype().name().toLowerCase(Locale.ROOT) + v.shape()
                + ":" + HexFormat.of().toHexDigits((int) crc(v))));
        return out;
    }

    private static long crc(HostTensor v) {
        CRC32C crc = new CRC32C();
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(HostTensor.littleEndianBytes(v.type())));
        v.putLittleEndian(b);
        crc.update(b);
        return crc.getValue();
    }

    /** Drops the pending commit (its step did not complete: its checkpoint failed), then closes. */
    void abandon() {
        pending = null;
        close();
    }

    /** Sends what is pending and waits (bounded) until every commit and line has gone out. */
    @Override
    public void close() {
        flush();
        sender.shutdown();
        try {
            if (!sender.awaitTermination(2 * link.timeoutMillis() + 1000, TimeUnit.MILLISECONDS)) {
                sender.shutdownNow();
            }
        } catch (InterruptedException e) {
            sender.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
