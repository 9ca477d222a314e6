package dev.lockstep.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.proto.v1.CommitStepRequest;
import dev.lockstep.proto.v1.CoordinatorGrpc;
import dev.lockstep.proto.v1.JobRef;
import dev.lockstep.proto.v1.JobState;
import dev.lockstep.proto.v1.RegisterWorkerRequest;
import dev.lockstep.proto.v1.StepTimes;
import dev.lockstep.proto.v1.SubmitRequest;
import dev.lockstep.proto.v1.WatchRequest;
import dev.lockstep.proto.v1.WorkerReadyRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator over Netty on 127.0.0.1 with the real clock: the ticker, the gauges and shutdown. */
class CoordinatorServerTest {
    @TempDir
    Path stateDir;

    private static void within(Duration limit, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void theTickerFailsASilentWorkersJobAndTheGaugesShowWorkersAndStepTimes() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Coordinator coordinator = Coordinator.open(stateDir, CoordinatorConfig.of(Harness.VERSION)
                .withHeartbeatDeadline(Duration.ofMillis(600)), InstantSource.system());
        CoordinatorServer server = CoordinatorServer.start(coordinator, "127.0.0.1", 0, registry);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            assertTrue(server.port() > 0);
            assertEquals("127.0.0.1:" + server.port(), server.address());
            var stub = CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
            String job = stub.submit(SubmitRequest.newBuilder().setSpecYaml(Harness.SPEC).setBaseDir("/tmp/specs")
                    .setWorldSize(1).build()).getJobId();
            stub.registerWorker(RegisterWorkerRequest.newBuilder().setJobId(job).setAddress("127.0.0.1:7001")
                    .setLockstepVersion(Harness.VERSION).build());
            stub.workerReady(WorkerReadyRequest.newBuilder().setJobId(job).setRank(0).setModelFingerprint("sha256:m").build());
            stub.commitStep(CommitStepRequest.newBuilder().setJobId(job).setRank(0).setStep(1)
                    .setTimes(StepTimes.newBuilder().setTotal(0.25).setAllreduce(0.05)).build());
            within(Duration.ofSeconds(5), () -> registry.find("lockstep.rank.step.seconds").tag("rank", "0").gauge() != null
                    && registry.get("lockstep.committed.step").tag("job", job).gauge().value() == 1, "gauges refreshed");
            assertEquals(1, registry.get("lockstep.workers.expected").tag("job", job).gauge().value());
            assertEquals(1, registry.get("lockstep.workers.registered").tag("job", job).gauge().value());
            assertEquals(1, registry.get("lockstep.workers.up").tag("job", job).gauge().value());
            assertEquals(0.25, registry.get("lockstep.rank.step.seconds").tags("job", job, "rank", "0").gauge().value());
            assertEquals(0.20, registry.get("lockstep.rank.busy.seconds").tags("job", job, "rank", "0").gauge().value(), 1e-12);
            assertEquals(1, registry.get("lockstep.rank.up").tags("job", job, "rank", "0").gauge().value());
            assertEquals(1, registry.get("lockstep.job.state").tags("job", job, "state", "RUNNING").gauge().value());
            assertEquals(0, registry.get("lockstep.job.state").tags("job", job, "state", "FAILED").gauge().value());
            double age = registry.get("lockstep.checkpoint.age.seconds").tag("job", job).gauge().value();
            assertTrue(age >= 0 && age < 60, "no checkpoint yet: the age counts from the ring, got " + age);

            // Nobody calls: the ticker alone notices the silent worker.
            within(Duration.ofSeconds(5), () -> coordinator.gauges().getFirst().up() == 0 && stub.withDeadlineAfter(
                    10, TimeUnit.SECONDS).status(JobRef.newBuilder().setJobId(job).build()).getState() == JobState.FAILED,
                    "the silent worker's job failed");
            assertTrue(stub.status(JobRef.newBuilder().setJobId(job).build()).getReason().contains("rank 0 (127.0.0.1:7001)"));
            within(Duration.ofSeconds(5), () -> registry.get("lockstep.job.state").tags("job", job, "state", "FAILED")
                    .gauge().value() == 1, "the state gauge shows FAILED");
            assertEquals(0, registry.get("lockstep.rank.up").tags("job", job, "rank", "0").gauge().value());
            assertTrue(Double.isNaN(registry.get("lockstep.checkpoint.age.seconds").tag("job", job).gauge().value()),
                    "an ended job has no checkpoint age");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.close();
        }
    }

    @Test
    void theHealthServiceAnswersServingUntilTheServerCloses() throws Exception {
        Coordinator coordinator = Coordinator.open(stateDir, CoordinatorConfig.of(Harness.VERSION), InstantSource.system());
        CoordinatorServer server = CoordinatorServer.start(coordinator, "127.0.0.1", 0, null);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            var health = io.grpc.health.v1.HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
            for (String service : new String[] {"", CoordinatorGrpc.SERVICE_NAME}) {
                assertEquals(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING, health.check(
                        io.grpc.health.v1.HealthCheckRequest.newBuilder().setService(service).build()).getStatus(), service);
            }
            Status unknown = Status.fromThrowable(org.junit.jupiter.api.Assertions.assertThrows(
                    io.grpc.StatusRuntimeException.class, () -> health.check(io.grpc.health.v1.HealthCheckRequest
                            .newBuilder().setService("no.such.Service").build())));
            assertEquals(Status.Code.NOT_FOUND, unknown.getCode());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.close();
        }
    }

    @Test
    void closingTheServerEndsAFollowingWatchWithUnavailable() throws Exception {
        Coordinator coordinator = Coordinator.open(stateDir, CoordinatorConfig.of(Harness.VERSION), InstantSource.system());
        CoordinatorServer server = CoordinatorServer.start(coordinator, "127.0.0.1", 0, null);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            String job = CoordinatorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .submit(SubmitRequest.newBuilder().setSpecYaml(Harness.SPEC).setBaseDir("/tmp").setWorldSize(1).build())
                    .getJobId();
            EventLogTest.Recorder r = new EventLogTest.Recorder();
            CoordinatorGrpc.newStub(channel).watch(WatchRequest.newBuilder().setJobId(job).setFollow(true).build(), r);
            within(Duration.ofSeconds(5), () -> !r.events.isEmpty(), "the backlog arrived");
            long started = System.nanoTime();
            server.close();
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(8), "bounded shutdown");
            Throwable t = r.done.get(5, TimeUnit.SECONDS);
            assertNotNull(t);
            assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(t).getCode());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.close();
        }
    }
}
