package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pods of the Indexed Job, as processes on loopback: three {@code lockstep k8s pod} with indexes 0, 2 and 1
 * (started in that order) train the job; index 0 serves it and its health service answers SERVING, the
 * workers take their rank from their index, every pod exits 0 when the job succeeds, and a replaced
 * coordinator pod finds the finished job in its state directory and exits 0 at once.
 */
@Tag("slow")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class K8sPodsOnLoopbackTest {
    @TempDir
    Path dir;

    private String[] pod(int index, String coordinator, Path job) {
        return new String[] {"k8s", "pod", "--index=" + index, "--workers=2", "--coordinator=" + coordinator,
                "--host=127.0.0.1", "--bind=127.0.0.1", "--port=0", "--metrics-port=0", "--health-port=0",
                "--job=" + job, "--state-dir=" + dir.resolve("state"), "--model-dir=" + dir.resolve("checkpoints"),
                "--join-timeout=60"};
    }

    @Test
    void threePodsTrainTheJobAndEachWorkerTakesTheRankOfItsIndex() throws Exception {
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, LocalTrainingTest.mlp(Path.of("runs/ignored"), 30, 10, "distributed: {workers: 2}"));
        try (RunningProcess index0 = RunningProcess.lockstep(dir.resolve("pod-0.log"), pod(0, "unused:1", job))) {
            String address = index0.await(Pattern.compile("coordinator listening on (127\\.0\\.0\\.1:\\d+)"),
                    Duration.ofSeconds(60));
            String health = index0.await(Pattern.compile("health \\(gRPC\\) at (127\\.0\\.0\\.1:\\d+)"),
                    Duration.ofSeconds(10));
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, check(health));
            try (RunningProcess index2 = RunningProcess.lockstep(dir.resolve("pod-2.log"), pod(2, address, job));
                 RunningProcess index1 = RunningProcess.lockstep(dir.resolve("pod-1.log"), pod(1, address, job))) {
                assertEquals(0, index0.awaitExit(Duration.ofMinutes(3)), index0.output());
                assertEquals(0, index1.awaitExit(Duration.ofMinutes(1)), index1.output());
                assertEquals(0, index2.awaitExit(Duration.ofMinutes(1)), index2.output());
                assertTrue(index2.output().contains("rank 1 of 2 joined job"), index2.output());
                assertTrue(index1.output().contains("rank 0 of 2 joined job"), index1.output());
                assertTrue(index2.output().startsWith("index 2 of 3: lockstep worker --coordinator=" + address
                        + " --rank=1 "), index2.output());
            }
            assertTrue(index0.output().contains("job job-000001 (sha256:"), index0.output());
            assertTrue(index0.output().contains("SUCCEEDED"), index0.output());
        }
        assertTrue(Files.isDirectory(dir.resolve("checkpoints/ckpt-30")), "rank 0 checkpointed into --model-dir");
        try (RunningProcess again = RunningProcess.lockstep(dir.resolve("pod-0-again.log"), pod(0, "unused:1", job))) {
            assertEquals(0, again.awaitExit(Duration.ofSeconds(60)), again.output());
            assertTrue(again.output().contains("is in the state directory: SUCCEEDED at step 30; serving it"),
                    again.output());
        }
    }

    private static HealthCheckResponse.ServingStatus check(String address) throws InterruptedException {
        int colon = address.lastIndexOf(':');
        ManagedChannel channel = NettyChannelBuilder.forAddress(address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1))).usePlaintext().build();
        try {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
