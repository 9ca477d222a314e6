package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.coordinator.Coordinator;
import dev.lockstep.coordinator.CoordinatorConfig;
import dev.lockstep.coordinator.CoordinatorServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** submit, status, list, logs, cancel and follow against an in-process coordinator on 127.0.0.1. */
class CoordinatorCommandsTest {
    static final String SPEC = """
            model:
              layers:
                - dense: {units: 8, activation: relu}
                - dense: {units: 3}
            head:
              classification: {classes: 3}
            train:
              data: {synthetic: {blobs: {count: 64, classes: 3, dim: 4}}}
              batch_size: 24
              steps: 5
            checkpoints: {dir: runs/job}
            log_every_steps: 2
            """;

    @TempDir
    Path dir;
    CoordinatorServer server;
    String address;
    Path spec;

    @BeforeEach
    void start() throws Exception {
        Coordinator coordinator = Coordinator.open(dir.resolve("state"), CoordinatorConfig.of(Lockstep.VERSION),
                InstantSource.system());
        server = CoordinatorServer.start(coordinator, "127.0.0.1", 0, null);
        address = server.address();
        spec = dir.resolve("job.yaml");
        Files.writeString(spec, SPEC);
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.close();
    }

    private static CommandLineTest.Result run(String... args) {
        return CommandLineTest.run(args);
    }

    private String submitNoWait(String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "submit";
        args[1] = "--coordinator";
        args[2] = address;
        args[3] = spec.toString();
        System.arraycopy(more, 0, args, 4, more.length);
        CommandLineTest.Result r = run(append(args, "--no-wait"));
        assertEquals(Lockstep.OK, r.code(), r.err());
        return r.out().strip();
    }

    private static String[] append(String[] a, String b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }

    @Test
    void submitNoWaitPrintsTheIdAndListStatusAndCancelShowTheJob() {
        String job = submitNoWait("--workers", "2");
        assertEquals("job-000001", job);
        CommandLineTest.Result list = run("list", "--coordinator", address);
        assertEquals(Lockstep.OK, list.code(), list.err());
        assertTrue(list.out().startsWith("JOB "), list.out());
        assertTrue(list.out().matches("(?s).*job-000001 +WAITING_FOR_WORKERS +0/2 +0/5.*"), list.out());

        CommandLineTest.Result status = run("status", "--coordinator", address, job);
        assertEquals(Lockstep.OK, status.code(), status.err());
        assertTrue(status.out().startsWith("job job-000001: WAITING_FOR_WORKERS"), status.out());
        assertTrue(status.out().contains("0 of 2 registered") && status.out().contains("restarts 0 of 0"), status.out());

        CommandLineTest.Result cancel = run("cancel", "--coordinator", address, job);
        assertEquals(Lockstep.OK, cancel.code(), cancel.err());
        assertEquals("job-000001 CANCELLED", cancel.out().strip());
        CommandLineTest.Result after = run("status", "--coordinator", address, job);
        assertTrue(after.out().contains("CANCELLED") && after.out().contains("cancelled by a client"), after.out());
        CommandLineTest.Result again = run("cancel", "--coordinator", address, job);
        assertEquals(Lockstep.RUNTIME_FAILURE, again.code());
        assertTrue(again.err().contains("already ended"), again.err());
    }

    @Test
    void aSpecTheCoordinatorRefusesExitsWith2NamingTheField() throws Exception {
        Files.writeString(spec, SPEC.replace("units: 8", "units: ten"));
        CommandLineTest.Result r = run("submit", "--coordinator", address, spec.toString(), "--no-wait");
        assertEquals(Lockstep.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("model.layers[0].dense.units"), r.err());
    }

    @Test
    void aWorkerCountThatDoesNotSplitTheBatchExitsWith2NamingBoth() throws Exception {
        CommandLineTest.Result r = run("submit", "--coordinator", address, spec.toString(), "--workers", "5", "--no-wait");
        assertEquals(Lockstep.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("world_size: 5") && r.err().contains("train.batch_size 24"), r.err());
    }

    @Test
    void statusOfAnUnknownJobExits1NamingIt() {
        submitNoWait();
        CommandLineTest.Result r = run("status", "--coordinator", address, "job-000999");
        assertEquals(Lockstep.RUNTIME_FAILURE, r.code());
        assertTrue(r.err().startsWith("lockstep: status: no job job-000999 on this coordinator; it has job-000001"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void anUnreachableCoordinatorIsOneLineNamingTheAddress() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        CommandLineTest.Result r = run("list", "--coordinator", "127.0.0.1:" + closed);
        assertEquals(Lockstep.RUNTIME_FAILURE, r.code());
        assertTrue(r.err().startsWith("lockstep: list: cannot reach the coordinator at 127.0.0.1:" + closed + ": "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        CommandLineTest.Result malformed = run("list", "--coordinator", "localhost");
        assertEquals(Lockstep.USAGE, malformed.code());
        assertTrue(malformed.err().contains("--coordinator localhost: expected HOST:PORT"), malformed.err());
    }

    @Test
    void logsPrintTheEventsWithTheirTimesAndWorkersLinesByRank() throws Exception {
        String job = submitNoWait();
        try (FakeWorker w = new FakeWorker(server.port(), "127.0.0.1:7101")) {
            w.register(job).ready();
            w.log("evaluation at step 0: accuracy=0.33");
            CommandLineTest.Result r = run("logs", "--coordinator", address, job);
            assertEquals(Lockstep.OK, r.code(), r.err());
            String[] lines = r.out().strip().split("\n");
            assertTrue(lines[0].matches("\\d{4}-\\d\\d-\\d\\dT.*Z job job-000001 submitted: 1 workers, 5 steps.*"), r.out());
            assertTrue(r.out().contains("rank 0 registered: 127.0.0.1:7101 on cpu"), r.out());
            assertTrue(r.out().contains("ring formed: epoch 1"), r.out());
            assertTrue(lines[lines.length - 1].endsWith("[rank 0] evaluation at step 0: accuracy=0.33"), r.out());
        }
        CommandLineTest.Result unknown = run("logs", "--coordinator", address, "job-000042");
        assertEquals(Lockstep.RUNTIME_FAILURE, unknown.code());
        assertTrue(unknown.err().contains("no job job-000042"), unknown.err());
    }

    @Test
    void submitFollowsTheJobAndExits0WhenAWorkerFinishesIt() throws Exception {
        CompletableFuture<CommandLineTest.Result> submit = CompletableFuture.supplyAsync(
                () -> run("submit", "--coordinator", address, spec.toString()));
        try (FakeWorker w = new FakeWorker(server.port(), "127.0.0.1:7102")) {
            w.register("").ready(); // no job id: the oldest waiting job, the one submit just sent
            w.log("resumed from nothing");
            for (long step = 1; step <= 5; step++) {
                w.commit(step);
            }
        }
        CommandLineTest.Result r = submit.get(20, TimeUnit.SECONDS);
        assertEquals(Lockstep.OK, r.code(), r.err());
        String out = r.out();
        assertTrue(out.startsWith("job-000001\n"), out);
        assertTrue(out.contains("[rank 0] resumed from nothing"), out);
        assertTrue(out.contains("step 2/5 loss=0.500000") && out.contains("step 4/5") && out.contains("step 5/5"), out);
        assertTrue(out.strip().endsWith("job job-000001 SUCCEEDED at step 5: every rank committed the last step, 5"), out);
    }

    @Test
    void followReconnectsWhenTheCoordinatorRestartsOnTheSamePort() throws Exception {
        String job = submitNoWait();
        StringWriter out = new StringWriter(), err = new StringWriter();
        CompletableFuture<Integer> follow = CompletableFuture.supplyAsync(() -> CoordinatorClient.follow(address, job,
                new PrintWriter(out, true), new PrintWriter(err, true), false));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!out.toString().contains("submitted") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        int port = server.port();
        server.close();
        server = CoordinatorServer.start(Coordinator.open(dir.resolve("state"), CoordinatorConfig.of(Lockstep.VERSION),
                InstantSource.system()), "127.0.0.1", port, null);
        try (FakeWorker w = new FakeWorker(port, "127.0.0.1:7105")) {
            w.register(job).ready();
            for (long step = 1; step <= 5; step++) {
                w.commit(step);
            }
        }
        assertEquals(Lockstep.OK, follow.get(20, TimeUnit.SECONDS), err.toString());
        assertTrue(err.toString().contains("reconnecting from event 2"), err.toString());
        assertTrue(out.toString().contains("step 4/5"), out.toString());
        assertTrue(out.toString().strip().endsWith("SUCCEEDED at step 5: every rank committed the last step, 5"), out.toString());
    }

    @Test
    void followReturns1AndPrintsTheReasonWhenAWorkerReportsAFailure() throws Exception {
        String job = submitNoWait();
        StringWriter out = new StringWriter(), err = new StringWriter();
        CompletableFuture<Integer> follow = CompletableFuture.supplyAsync(() -> CoordinatorClient.follow(address, job,
                new PrintWriter(out, true), new PrintWriter(err, true), false));
        try (FakeWorker w = new FakeWorker(server.port(), "127.0.0.1:7103")) {
            w.register(job).ready();
            w.commit(1);
            w.fail("all-reduce timed out waiting for rank 1 (127.0.0.1:7104)");
        }
        assertEquals(Lockstep.RUNTIME_FAILURE, follow.get(20, TimeUnit.SECONDS), err.toString());
        assertTrue(err.toString().contains("lockstep: job " + job + " FAILED at step 1: rank 0 (127.0.0.1:7103) failed "
                + "at step 1: all-reduce timed out waiting for rank 1 (127.0.0.1:7104)"), err.toString());
    }
}
