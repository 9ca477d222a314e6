package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code lockstep coordinator} in this JVM: it serves until asked to stop, as a signal would. */
class CoordinatorCommandTest {
    @TempDir
    Path dir;

    private static String waitFor(StringWriter out, Pattern pattern) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(out.toString());
            if (m.find()) {
                return m.group(1);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + pattern + " within 20 s in: " + out);
    }

    @Test
    void itServesJobsAndMetricsUntilStoppedThenExitsWith143() throws Exception {
        CoordinatorCommand command = new CoordinatorCommand();
        CommandLine cli = new CommandLine(command);
        StringWriter out = new StringWriter(), err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> cli.execute("--port", "0",
                "--state-dir", dir.resolve("state").toString(), "--metrics-port", "0", "--heartbeat-timeout", "2.5"));
        try {
            String address = waitFor(out, Pattern.compile("coordinator listening on (127\\.0\\.0\\.1:\\d+)"));
            String metrics = waitFor(out, Pattern.compile("metrics at (http://\\S+/metrics)"));
            Path spec = dir.resolve("job.yaml");
            Files.writeString(spec, CoordinatorCommandsTest.SPEC);
            CommandLineTest.Result submit = CommandLineTest.run("submit", "--coordinator", address, spec.toString(), "--no-wait");
            assertEquals(Lockstep.OK, submit.code(), submit.err());
            try (FakeWorker w = new FakeWorker(Integer.parseInt(address.substring(address.indexOf(':') + 1)), "127.0.0.1:7201")) {
                assertEquals(500, w.register("").registration.getHeartbeatIntervalMs(), "a fifth of --heartbeat-timeout");
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String scrape = "";
            while (!scrape.contains("lockstep_workers_registered{job=\"job-000001\"} 1.0") && System.nanoTime() < deadline) {
                scrape = http.send(HttpRequest.newBuilder(URI.create(metrics)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Thread.sleep(50);
            }
            assertTrue(scrape.contains("lockstep_workers_registered{job=\"job-000001\"} 1.0"), scrape);
            assertTrue(scrape.contains("lockstep_workers_expected{job=\"job-000001\"} 1.0"), scrape);
        } finally {
            command.requestStop("SIGTERM", 15);
        }
        assertEquals(143, running.get(20, TimeUnit.SECONDS), err.toString());
        assertTrue(err.toString().contains("SIGTERM received: stopping the coordinator"), err.toString());
    }

    @Test
    void aTakenPortExitsWith2NamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CommandLineTest.Result r = CommandLineTest.run("coordinator", "--port", Integer.toString(taken.getLocalPort()),
                    "--state-dir", dir.resolve("state").toString());
            assertEquals(Lockstep.USAGE, r.code(), r.err());
            assertTrue(r.err().startsWith("lockstep: --port " + taken.getLocalPort() + ": cannot listen on 127.0.0.1:"
                    + taken.getLocalPort()), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }
}
