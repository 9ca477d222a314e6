package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real worker process mid-training: without restarts the job fails within the heartbeat
 * deadline, naming the dead rank and its address; with {@code max_restarts: 1} every worker restarts from
 * the newest checkpoint and the job ends with the parameters one process trains (no example lost or
 * used twice).
 */
@Tag("slow")
class KillWorkerTest {
    private static final Pattern PIDS = Pattern.compile("pids \\[([0-9, ]+)]");
    private static final Pattern JOINED = Pattern.compile("rank (\\d+) of \\d+ joined job \\S+ \\(epoch \\d+\\) at step "
            + "\\d+; ring \\[([^\\]]+)]");

    record Running(Future<Integer> exit, StringWriter out, StringWriter err) {}

    static Running start(ExecutorService pool, Path job, Path state) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        Future<Integer> exit = pool.submit(() -> Lockstep.run(new PrintWriter(out, true), new PrintWriter(err, true),
                "local", "--state-dir", state.toString(), "--heartbeat-timeout", "5", job.toString()));
        return new Running(exit, out, err);
    }

    /** Waits (bounded) until {@code pattern} shows up in {@code text}. */
    static Matcher await(Pattern pattern, java.util.function.Supplier<String> text, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(text.get());
            if (m.find()) {
                return m;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + pattern + " within " + within + " in:\n" + text.get());
    }

    static String read(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The pid of the worker that holds rank {@code rank}, its address and its log, once it has trained past a step line. */
    record Victim(long pid, String address, Path log) {}

    static Victim awaitTrainingRank(Running r, Path state, int rank, int workers) throws Exception {
        Matcher pids = await(PIDS, r.out()::toString, Duration.ofSeconds(60));
        List<Long> all = new ArrayList<>();
        for (String p : pids.group(1).split(",\\s*")) {
            all.add(Long.parseLong(p));
        }
        assertEquals(workers, all.size());
        for (int i = 0; i < workers; i++) {
            Path log = state.resolve("logs/worker-" + i + ".log");
            Matcher joined = await(JOINED, () -> read(log), Duration.ofSeconds(90));
            if (Integer.parseInt(joined.group(1)) == rank) {
                String address = joined.group(2).split(",\\s*")[rank];
                await(Pattern.compile("step [1-9]\\d*/"), () -> read(log), Duration.ofSeconds(90));
                return new Victim(all.get(i), address, log);
            }
        }
        throw new AssertionError("no worker log says it holds rank " + rank);
    }

    static void kill(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        assertTrue(h.isPresent(), "worker pid " + pid + " is gone before the kill");
        assertTrue(h.get().destroyForcibly(), "SIGKILL to " + pid);
    }

    @Test
    void aKilledWorkerFailsTheJobNamingItsRankAndAddress(@TempDir Path dir) throws Exception {
        Path job = LocalTrainingTest.write(dir, "job.yaml", LocalTrainingTest.mlp(dir.resolve("model"), 100000, 50,
                "distributed: {workers: 2}"));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Running r = start(pool, job, dir.resolve("state"));
            Victim v = awaitTrainingRank(r, dir.resolve("state"), 1, 2);
            long killedAt = System.nanoTime();
            kill(v.pid());
            int code = r.exit().get(60, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - killedAt) / 1e9;
            String err = r.err().toString();
            assertEquals(1, code, r.out() + err);
            assertTrue(seconds < 5 + 15, "the job ended " + seconds + " s after the kill");
            Matcher reason = Pattern.compile("job \\S+ FAILED: (.*)").matcher(err);
            assertTrue(reason.find(), err);
            assertTrue(reason.group(1).contains("rank 1") && reason.group(1).contains(v.address()),
                    "the reason names the dead rank and its address " + v.address() + ": " + reason.group(1));
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "lockstep local did not stop");
        }
    }

    @Test
    void withARestartTheJobResumesFromItsCheckpointAndMatchesOneProcess(@TempDir Path dir) throws Exception {
        int steps = 160;
        Path single = LocalTrainingTest.write(dir, "single.yaml", LocalTrainingTest.mlp(dir.resolve("one"), steps, 20, ""));
        CommandLineTest.Result one = CommandLineTest.run("train", single.toString());
        assertEquals(0, one.code(), one.err());
        Path job = LocalTrainingTest.write(dir, "job.yaml", LocalTrainingTest.mlp(dir.resolve("n"), steps, 20,
                "distributed: {workers: 2, max_restarts: 1}"));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Running r = start(pool, job, dir.resolve("state"));
            Victim v = awaitTrainingRank(r, dir.resolve("state"), 1, 2);
            await(Pattern.compile("step [2-9]\\d/"), () -> read(v.log()), Duration.ofSeconds(90));
            kill(v.pid());
            int code = r.exit().get(240, TimeUnit.SECONDS);
            assertEquals(0, code, r.out() + "\n" + r.err());
            double diff = LocalTrainingTest.maxRelativeDifference(LocalTrainingTest.newest(dir.resolve("n")),
                    LocalTrainingTest.newest(dir.resolve("one")));
            System.out.printf("restarted 2-worker job vs one process: max relative difference %.3g%n", diff);
            assertEquals(steps, LocalTrainingTest.newestStep(dir.resolve("n")));
            assertTrue(diff <= 1e-5, "after a restart: max relative difference " + diff);
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "lockstep local did not stop");
        }
    }
}
