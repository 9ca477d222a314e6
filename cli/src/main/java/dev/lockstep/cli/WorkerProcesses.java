package dev.lockstep.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The worker processes {@code lockstep local} starts on this machine: each a JVM like this one running
 * {@code lockstep worker --coordinator ...}, with its output in its own log file. A worker that dies
 * while its job still runs is replaced (the coordinator decides whether the job restarts or fails, as
 * a cluster's scheduler would restart a pod), at most {@code maxReplacements} times. {@link #close}
 * stops every process still running, by pid: politely, then forcibly after a bounded wait.
 */
final class WorkerProcesses implements AutoCloseable {
    private final List<String> command;
    private final java.util.function.IntFunction<List<String>> slotArgs;
    private final Path logDir;
    private final List<Process> processes = new ArrayList<>();
    /** The worker slot (0..n-1) each process fills: a replacement takes its predecessor's slot and its flags. */
    private final List<Integer> slots = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final int maxReplacements;
    private int replacements;

    private WorkerProcesses(List<String> command, java.util.function.IntFunction<List<String>> slotArgs, Path logDir,
                            int maxReplacements, Optional<Secret> token) {
        this.command = command;
        this.slotArgs = slotArgs;
        this.logDir = logDir;
        this.maxReplacements = maxReplacements;
        this.token = token;
    }

    /** The environment variable that hands a worker its token: never the command line, which others can read. */
    static final String TOKEN_ENV = "LOCKSTEP_WORKER_TOKEN";

    private final Optional<Secret> token;

    /**
     * Starts {@code n} workers of the coordinator at {@code coordinator} over {@code tls} (the same files for
     * every worker, with client certificates required between them when {@code tls} requires them), each
     * given {@code token} in its environment; their logs go to {@code logDir}.
     */
    static WorkerProcesses start(int n, String coordinator, String jobId, Optional<String> device, Path logDir,
                                 int maxReplacements, TlsSettings tls, Optional<Secret> token) {
        return start(n, coordinator, jobId, device, logDir, maxReplacements, tls, token, slot -> List.of());
    }

    /** As above; worker slot {@code i} (and any replacement of it) also gets the flags {@code slotArgs(i)}. */
    static WorkerProcesses start(int n, String coordinator, String jobId, Optional<String> device, Path logDir,
                                 int maxReplacements, TlsSettings tls, Optional<Secret> token,
                                 java.util.function.IntFunction<List<String>> slotArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-javaagent") && !arg.startsWith("-Xrunjdwp")) {
                cmd.add(arg);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Lockstep.class.getName());
        cmd.add("worker");
        cmd.add("--coordinator");
        cmd.add(coordinator);
        cmd.add("--job");
        cmd.add(jobId);
        device.ifPresent(d -> {
            cmd.add("--device");
            cmd.add(d);
        });
        if (tls.enabled()) {
            tls.cert().ifPresent(f -> cmd.addAll(List.of("--tls-cert", f.toAbsolutePath().toString())));
            tls.key().ifPresent(f -> cmd.addAll(List.of("--tls-key", f.toAbsolutePath().toString())));
            tls.trust().ifPresent(f -> cmd.addAll(List.of("--tls-trust", f.toAbsolutePath().toString())));
            tls.serverName().ifPresent(name -> cmd.addAll(List.of("--tls-server-name", name)));
            cmd.add(tls.clientAuth() ? "--tls-client-auth" : "--tls");
        }
        if (token.isPresent()) {
            cmd.addAll(List.of("--token-env", TOKEN_ENV));
        }
        WorkerProcesses w = new WorkerProcesses(List.copyOf(cmd), slotArgs, logDir, maxReplacements, token);
        try {
            Files.createDirectories(logDir);
            for (int i = 0; i < n; i++) {
                w.spawn(i);
            }
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e instanceof IOException io ? new UncheckedIOException("starting worker processes: "
                    + io.getMessage(), io) : (RuntimeException) e;
        }
        return w;
    }

    private void spawn(int slot) throws IOException {
        Path log = logDir.resolve("worker-" + processes.size() + ".log");
        List<String> full = new ArrayList<>(command);
        full.addAll(slotArgs.apply(slot));
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "1");
        token.ifPresentOrElse(t -> pb.environment().put(TOKEN_ENV, t.value()), () -> pb.environment().remove(TOKEN_ENV));
        processes.add(pb.start());
        slots.add(slot);
        logs.add(log);
    }

    /** The pids of every process started so far, live or not. */
    List<Long> pids() {
        return processes.stream().map(Process::pid).toList();
    }

    List<Path> logs() {
        return List.copyOf(logs);
    }

    /**
     * Replaces every worker that exited with a failure since the last call, while replacements remain;
     * returns how many it started. A worker that exited 0 finished its part of the job.
     */
    synchronized int replaceFailed() {
        int started = 0;
        if (closed) {
            return 0;
        }
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            if (!p.isAlive() && p.exitValue() != 0 && !replaced.contains(i) && replacements < maxReplacements) {
                replaced.add(i);
                replacements++;
                try {
                    spawn(slots.get(i));
                } catch (IOException e) {
                    throw new UncheckedIOException("restarting a worker process: " + e.getMessage(), e);
                }
                started++;
            }
        }
        return started;
    }

    private final java.util.Set<Integer> replaced = new java.util.HashSet<>();
    private boolean closed;

    /**
     * Why the job can no longer get its workers, if so: no process is alive and none may be replaced
     * (every one exited, and the replacements are used up or the last ones exited 0).
     */
    synchronized Optional<String> exhausted() {
        if (processes.stream().anyMatch(Process::isAlive)) {
            return Optional.empty();
        }
        boolean replaceable = false;
        for (int i = 0; i < processes.size(); i++) {
            replaceable |= processes.get(i).exitValue() != 0 && !replaced.contains(i) && replacements < maxReplacements;
        }
        if (replaceable) {
            return Optional.empty();
        }
        List<String> exits = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            exits.add("worker " + i + " (pid " + processes.get(i).pid() + ") exited " + processes.get(i).exitValue());
        }
        return Optional.of("no worker process is left (" + String.join(", ", exits) + "; " + replacements
                + " of " + maxReplacements + " replacements used)");
    }

    /** The last {@code lines} lines of the log of each worker that exited with a failure, for the report. */
    List<String> failureTails(int lines) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            if (!p.isAlive() && p.exitValue() != 0) {
                out.add("worker " + i + " (pid " + p.pid() + ") exited with " + p.exitValue() + "; the end of "
                        + logs.get(i) + ":");
                try {
                    List<String> all = Files.readAllLines(logs.get(i), StandardCharsets.UTF_8);
                    all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> out.add("  " + l));
                } catch (IOException e) {
                    out.add("  (cannot read it: " + e.getMessage() + ")");
                }
            }
        }
        return out;
    }

    /** Waits up to {@code within} for every worker to exit on its own. */
    boolean awaitExit(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        for (Process p : processes) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    /** Stops every live worker by pid: SIGTERM, then SIGKILL for any still alive after 10 s. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroy();
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (Process p : processes) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
