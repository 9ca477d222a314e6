package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code --health-port}: the gRPC health service on loopback, and the flag errors around it and {@code --rank}. */
class HealthServerTest {
    @Test
    void itAnswersServingUntilClosed() throws Exception {
        HealthServer server = new HealthServer("127.0.0.1", 0);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            var health = HealthGrpc.newBlockingStub(channel);
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus());
            server.close();
            StatusRuntimeException gone = assertThrows(StatusRuntimeException.class, () -> health
                    .withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, gone.getStatus().getCode());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.close();
        }
    }

    @Test
    void aTakenPortIsAUsageErrorNamingTheFlag() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            UsageProblem p = assertThrows(UsageProblem.class, () -> new HealthServer("127.0.0.1", taken.getLocalPort()));
            assertTrue(p.getMessage().startsWith("--health-port " + taken.getLocalPort() + ": cannot listen on 127.0.0.1:"),
                    p.getMessage());
        }
    }

    @Test
    void badHealthRankAndJobFlagsExitWith2() {
        CommandLineTest.Result rank = CommandLineTest.run("worker", "--coordinator", "127.0.0.1:1", "--rank", "-1");
        assertEquals(Lockstep.USAGE, rank.code());
        assertTrue(rank.err().contains("--rank: expected 0 or more, got -1"), rank.err());
        CommandLineTest.Result port = CommandLineTest.run("worker", "--coordinator", "127.0.0.1:1", "--health-port", "70000");
        assertEquals(Lockstep.USAGE, port.code());
        assertTrue(port.err().contains("--health-port 70000 is out of range"), port.err());
        CommandLineTest.Result workers = CommandLineTest.run("coordinator", "--port", "0", "--workers", "2");
        assertEquals(Lockstep.USAGE, workers.code());
        assertTrue(workers.err().contains("--workers needs --job"), workers.err());
        CommandLineTest.Result metrics = CommandLineTest.run("local", "--workers", "2", "--metrics-port", "-3", "x.yaml");
        assertEquals(Lockstep.USAGE, metrics.code());
        assertTrue(metrics.err().contains("--metrics-port -3 is out of range"), metrics.err());
    }
}
