package dev.lockstep.coordinator;

import dev.lockstep.job.SpecFixtures;
import dev.lockstep.proto.v1.CommitStepRequest;
import dev.lockstep.proto.v1.CommitStepResponse;
import dev.lockstep.proto.v1.CoordinatorGrpc;
import dev.lockstep.proto.v1.HeartbeatRequest;
import dev.lockstep.proto.v1.HeartbeatResponse;
import dev.lockstep.proto.v1.Membership;
import dev.lockstep.proto.v1.RegisterWorkerRequest;
import dev.lockstep.proto.v1.RegisterWorkerResponse;
import dev.lockstep.proto.v1.SubmitRequest;
import dev.lockstep.proto.v1.SubmitResponse;
import dev.lockstep.proto.v1.WorkerReadyRequest;
import dev.lockstep.proto.v1.WorkerReadyResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A coordinator served over in-process gRPC with a hand-moved clock; close it in {@code @AfterEach}. */
final class Harness implements AutoCloseable {
    static final String VERSION = "0.1.0-test";
    /** SpecFixtures.GOOD with a batch that 1, 2, 3, 4 and 6 workers can split. */
    static final String SPEC = SpecFixtures.GOOD.replace("batch_size: 8", "batch_size: 24");
    static final String FINGERPRINT = "sha256:model";

    /** A clock that moves only when told to. */
    static final class ManualClock implements InstantSource {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public synchronized Instant instant() {
            return now;
        }

        synchronized void advance(Duration d) {
            now = now.plus(d);
        }
    }

    final ManualClock clock = new ManualClock();
    final Coordinator coordinator;
    private final Server server;
    private final ManagedChannel channel;

    Harness(Path stateDir) {
        this(stateDir, CoordinatorConfig.of(VERSION));
    }

    Harness(Path stateDir, CoordinatorConfig config) {
        coordinator = Coordinator.open(stateDir, config, clock);
        String name = InProcessServerBuilder.generateName();
        try {
            server = InProcessServerBuilder.forName(name).directExecutor()
                    .addService(new CoordinatorService(coordinator)).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    /** A stub whose every call has a deadline, so no test waits forever. */
    CoordinatorGrpc.CoordinatorBlockingStub stub() {
        return CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    CoordinatorGrpc.CoordinatorStub asyncStub() {
        return CoordinatorGrpc.newStub(channel);
    }

    SubmitResponse submit(int worldSize) {
        return submit(SPEC, worldSize);
    }

    SubmitResponse submit(String spec, int worldSize) {
        return stub().submit(SubmitRequest.newBuilder().setSpecYaml(spec).setBaseDir("/tmp/specs")
                .setWorldSize(worldSize).build());
    }

    WorkerReadyResponse ready(String jobId, int rank, long startStep) {
        return stub().workerReady(WorkerReadyRequest.newBuilder().setJobId(jobId).setRank(rank)
                .setModelFingerprint(FINGERPRINT).setStartStep(startStep).build());
    }

    /** Registers a worker at each address, in order, then reports each ready at step 0: the ring forms. */
    Membership formRing(SubmitResponse job, String... addresses) {
        List<Integer> ranks = new ArrayList<>();
        for (String a : addresses) {
            ranks.add(register(job, a).getRank());
        }
        Membership last = null;
        for (int rank : ranks) {
            last = ready(job.getJobId(), rank, 0).getMembership();
        }
        return last;
    }

    CommitStepResponse commit(String jobId, int rank, long step) {
        return stub().commitStep(CommitStepRequest.newBuilder().setJobId(jobId).setRank(rank).setStep(step).build());
    }

    RegisterWorkerResponse register(SubmitResponse job, String address) {
        return stub().registerWorker(RegisterWorkerRequest.newBuilder().setJobId(job.getJobId()).setAddress(address)
                .setDevice("cpu").setLockstepVersion(VERSION).setJobHash(job.getJobHash()).build());
    }

    HeartbeatResponse heartbeat(String jobId, int rank, long epoch, long step) {
        return stub().heartbeat(HeartbeatRequest.newBuilder().setJobId(jobId).setRank(rank).setEpoch(epoch)
                .setStep(step).build());
    }

    @Override
    public void close() throws InterruptedException {
        try {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } finally {
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
