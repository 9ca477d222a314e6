package dev.lockstep.cli;

import dev.lockstep.proto.v1.CommitStepRequest;
import dev.lockstep.proto.v1.CoordinatorGrpc;
import dev.lockstep.proto.v1.FailureReport;
import dev.lockstep.proto.v1.RegisterWorkerRequest;
import dev.lockstep.proto.v1.RegisterWorkerResponse;
import dev.lockstep.proto.v1.StepTimes;
import dev.lockstep.proto.v1.WorkerLog;
import dev.lockstep.proto.v1.WorkerReadyRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/** Test code playing one worker against a coordinator: register, ready, commit, log, report a failure. */
final class FakeWorker implements AutoCloseable {
    private final ManagedChannel channel;
    final String address;
    RegisterWorkerResponse registration;

    FakeWorker(int coordinatorPort, String address) {
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinatorPort).usePlaintext().build();
        this.address = address;
    }

    private CoordinatorGrpc.CoordinatorBlockingStub stub() {
        return CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    /** Registers with {@code jobId} (empty: the oldest waiting job), retrying for up to 10 s while none waits. */
    FakeWorker register(String jobId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                registration = stub().registerWorker(RegisterWorkerRequest.newBuilder().setJobId(jobId)
                        .setAddress(address).setDevice("cpu").setLockstepVersion(Lockstep.VERSION).build());
                return this;
            } catch (StatusRuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    String job() {
        return registration.getJobId();
    }

    int rank() {
        return registration.getRank();
    }

    FakeWorker ready() {
        stub().workerReady(WorkerReadyRequest.newBuilder().setJobId(job()).setRank(rank())
                .setModelFingerprint("sha256:model").build());
        return this;
    }

    void commit(long step) {
        stub().commitStep(CommitStepRequest.newBuilder().setJobId(job()).setRank(rank()).setStep(step)
                .setGlobalExamples(24).putMetrics("loss", 1.0 / step).setTimes(StepTimes.newBuilder().setTotal(0.01))
                .build());
    }

    void log(String line) {
        stub().log(WorkerLog.newBuilder().setJobId(job()).setRank(rank()).setLine(line).build());
    }

    void fail(String reason) {
        stub().reportFailure(FailureReport.newBuilder().setJobId(job()).setRank(rank()).setReason(reason)
                .setEpoch(1).build());
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
