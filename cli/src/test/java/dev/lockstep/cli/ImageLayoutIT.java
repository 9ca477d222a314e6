package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.testing.ExternalProcess;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image's contents without a Docker engine: the layout Maven assembles in
 * target/lockstep-image (what deploy/Dockerfile copies to /opt/lockstep), started as the image's
 * ENTRYPOINT starts it, through bin/lockstep, with the memory limit a pod would give it.
 */
@Tag("slow")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ImageLayoutIT {
    static final Path LAYOUT = Path.of("target/lockstep-image").toAbsolutePath();
    static final long LIMIT = 2L << 30;

    @TempDir
    Path dir;

    private static ProcessBuilder entrypoint(String... args) {
        List<String> command = new ArrayList<>(List.of(LAYOUT.resolve("bin/lockstep").toString()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("LOCKSTEP_MEMORY_LIMIT_BYTES", Long.toString(LIMIT));
        pb.environment().remove("JAVA_OPTS");
        return pb;
    }

    private static ExternalProcess.Result run(Duration timeout, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("env", "JAVA_HOME=" + System.getProperty("java.home"),
                "LOCKSTEP_MEMORY_LIMIT_BYTES=" + LIMIT, LAYOUT.resolve("bin/lockstep").toString()));
        command.addAll(Arrays.asList(args));
        return ExternalProcess.run(timeout, new byte[0], command);
    }

    @Test
    void theLayoutHoldsTheLauncherAndTheJars() throws IOException {
        assertTrue(Files.isExecutable(LAYOUT.resolve("bin/lockstep")), "bin/lockstep is executable");
        try (var jars = Files.list(LAYOUT.resolve("lib"))) {
            List<String> names = jars.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().anyMatch(n -> n.startsWith("lockstep-cli-")), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.startsWith("nd4j-native-") && n.endsWith("linux-x86_64.jar")),
                    "ND4J's native build: " + names);
        }
    }

    @Test
    void theEntrypointStartsTheCliWithTheContainerFlagsSizedFromTheMemoryLimit() throws Exception {
        ProcessBuilder pb = entrypoint("coordinator", "--port", "0", "--state-dir", dir.resolve("state").toString(),
                "--health-port", "0").redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
        Process p = pb.start();
        try {
            String health = await(dir.resolve("out.log"), Pattern.compile("health \\(gRPC\\) at (127\\.0\\.0\\.1:\\d+)"), p);
            // exec: the launcher's pid is the JVM's, whose command line shows the flags it was started with
            List<String> cmdline = Arrays.asList(new String(Files.readAllBytes(Path.of("/proc/" + p.pid() + "/cmdline")),
                    StandardCharsets.UTF_8).split("\0"));
            assertTrue(cmdline.getFirst().endsWith("/bin/java"), cmdline.toString());
            for (String flag : List.of("-XX:MaxRAM=" + LIMIT, "-XX:MaxRAMPercentage=25", "-XX:+ExitOnOutOfMemoryError",
                    "--enable-native-access=ALL-UNNAMED", "-Dorg.bytedeco.javacpp.maxbytes=" + LIMIT / 100 * 55,
                    "-Dorg.bytedeco.javacpp.maxphysicalbytes=" + LIMIT / 100 * 90, "-cp", LAYOUT.resolve("lib") + "/*",
                    "dev.lockstep.cli.Lockstep")) {
                assertTrue(cmdline.contains(flag), flag + " in " + cmdline);
            }
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, check(health));
            p.destroy(); // SIGTERM, as the kubelet stops a pod
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped within 30 s");
            assertEquals(143, p.exitValue(), Files.readString(dir.resolve("out.log")));
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theHeapIsAQuarterOfTheLimit() throws Exception {
        List<String> command = new ArrayList<>(List.of("env", "JAVA_HOME=" + System.getProperty("java.home"),
                "LOCKSTEP_MEMORY_LIMIT_BYTES=" + LIMIT, "JAVA_OPTS=-XX:+PrintFlagsFinal",
                LAYOUT.resolve("bin/lockstep").toString(), "--version"));
        ExternalProcess.Result r = ExternalProcess.run(Duration.ofSeconds(60), new byte[0], command);
        assertEquals(0, r.exitCode(), r.stderr());
        Matcher heap = Pattern.compile("size_t MaxHeapSize\\s+= (\\d+)").matcher(r.stdout());
        assertTrue(heap.find(), r.stdout());
        long bytes = Long.parseLong(heap.group(1));
        assertTrue(Math.abs(bytes - LIMIT / 4) <= 4 << 20, "MaxHeapSize " + bytes + " is 25% of " + LIMIT);
        assertTrue(r.stdout().contains("lockstep " + Lockstep.VERSION), r.stdout());
    }

    @Test
    void itTrainsAJobAndRendersManifestsFromTheLayout() throws Exception {
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, LocalTrainingTest.mlp(dir.resolve("model"), 20, 10, ""));
        ExternalProcess.Result train = run(Duration.ofMinutes(3), "train", job.toString());
        assertEquals(0, train.exitCode(), train.stdout() + train.stderr());
        assertTrue(Files.isDirectory(dir.resolve("model/ckpt-20")), train.stdout());
        ExternalProcess.Result render = run(Duration.ofMinutes(1), "k8s", "render", "--workers", "2", job.toString());
        assertEquals(0, render.exitCode(), render.stderr());
        assertTrue(render.stdout().contains("kind: Job"), "the manifests are packaged in the CLI's jar");
        ExternalProcess.Result bad = ExternalProcess.run(Duration.ofSeconds(30), new byte[0], List.of("env",
                "LOCKSTEP_MEMORY_LIMIT_BYTES=lots", LAYOUT.resolve("bin/lockstep").toString(), "--version"));
        assertEquals(2, bad.exitCode());
        assertTrue(bad.stderr().contains("memory limit 'lots'"), bad.stderr());
    }

    private static String await(Path log, Pattern pattern, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return m.group(1);
            }
            if (!p.isAlive()) {
                throw new AssertionError("exited " + p.exitValue() + ": " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + pattern + " in " + Files.readString(log));
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
