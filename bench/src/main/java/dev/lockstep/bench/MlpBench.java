package dev.lockstep.bench;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Devices;
import dev.lockstep.device.Executable;
import dev.lockstep.device.HostTensor;
import dev.lockstep.graph.Graph;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * MLP 784-512-512-10 training step (forward, backward, SGD momentum; f32, batch 256) timed on each
 * requested device and, in the same run, on the PyTorch peer (../shared/bench/torch_ddp_bench.py,
 * one process). Prints one JSON line per measurement and the ratios.
 *
 * <p>Usage: {@code MlpBench [--devices cpu,xla-cpu] [--steps 200] [--peer PATH] [--peer-threads 2]
 * [--python /usr/bin/python3]}.
 */
public final class MlpBench {
    private MlpBench() {}

    public static void main(String[] args) throws Exception {
        List<String> devices = List.of("cpu", "xla-cpu");
        int steps = 200;
        String peer = "../shared/bench/torch_ddp_bench.py";
        int peerThreads = Runtime.getRuntime().availableProcessors();
        // Debian's python3, the one python3-torch installs into (not a pyenv or virtualenv shim).
        String python = "/usr/bin/python3";
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--devices" -> devices = List.of(args[i + 1].split(","));
                case "--steps" -> steps = Integer.parseInt(args[i + 1]);
                case "--peer" -> peer = args[i + 1];
                case "--peer-threads" -> peerThreads = Integer.parseInt(args[i + 1]);
                case "--python" -> python = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; expected --devices, --steps, --peer, --peer-threads, --python");
            }
        }
        MlpStep mlp = new MlpStep(256, 784, 512, 512, 10);
        Graph graph = mlp.build(0.05, 0.9);
        List<Double> ours = new ArrayList<>();
        for (String name : devices) {
            double ms = timeDevice(name, mlp, graph, steps);
            ours.add(ms);
        }
        Double torchMs = Files.exists(Path.of(peer)) ? runPeer(python, peer, steps, peerThreads) : null;
        if (torchMs == null) {
            System.out.println("{\"bench\":\"mlp_step_peer\",\"skipped\":\"" + peer + " not found or failed\"}");
            return;
        }
        for (int i = 0; i < devices.size(); i++) {
            System.out.printf(Locale.ROOT, "{\"bench\":\"mlp_step_ratio\",\"device\":\"%s\",\"lockstep_ms\":%.3f,"
                    + "\"torch_ms\":%.3f,\"ratio\":%.3f}%n", devices.get(i), ours.get(i), torchMs, ours.get(i) / torchMs);
        }
    }

    static double timeDevice(String name, MlpStep mlp, Graph graph, int steps) {
        try (Device device = Devices.open(name)) {
            long c0 = System.nanoTime();
            Executable exe = device.compile(graph);
            double compileMs = (System.nanoTime() - c0) / 1e6;
            List<HostTensor> init = mlp.initialInputs(42);
            int state = init.size() - 2;
            List<Buffer> data = List.of(device.upload(init.get(0)), device.upload(init.get(1)));
            List<Buffer> a = new ArrayList<>(), b = new ArrayList<>();
            for (int i = 2; i < init.size(); i++) {
                a.add(device.upload(init.get(i)));
                b.add(device.allocate(init.get(i).type()));
            }
            Buffer loss = device.allocate(graph.outputTypes().get(0));
            double firstLoss = Double.NaN;
            long t0 = 0;
            int warmup = 100; // past HotSpot compiling the Java kernels: the timed window is steady state
            for (int s = 0; s < warmup + steps; s++) {
                if (s == warmup) {
                    t0 = System.nanoTime();
                }
                List<Buffer> in = new ArrayList<>(data);
                in.addAll(a);
                List<Buffer> out = new ArrayList<>(state + 1);
                out.add(loss);
                out.addAll(b);
                exe.execute(in, out);
                List<Buffer> t = a;
                a = b;
                b = t;
                if (s == 0) {
                    firstLoss = loss.toHost().getDouble(0);
                }
            }
            double ms = (System.nanoTime() - t0) / 1e6 / steps;
            double lastLoss = loss.toHost().getDouble(0);
            System.out.printf(Locale.ROOT, "{\"bench\":\"lockstep_mlp\",\"device\":\"%s\",\"global_batch\":256,"
                    + "\"steps\":%d,\"ms_per_step\":%.3f,\"examples_per_s\":%.0f,\"compile_ms\":%.0f,"
                    + "\"first_loss\":%.4f,\"loss\":%.4f}%n", name, steps, ms, 256 * 1000.0 / ms, compileMs,
                    firstLoss, lastLoss);
            for (Buffer x : data) {
                x.close();
            }
            for (Buffer x : a) {
                x.close();
            }
            for (Buffer x : b) {
                x.close();
            }
            loss.close();
            exe.close();
            return ms;
        }
    }

    /** Runs the PyTorch peer (one process) and returns its ms per step. */
    static Double runPeer(String python, String script, int steps, int threads) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(python, script, "train", "--world", "1", "--threads", "1",
                "--steps", String.valueOf(steps), "--batch", "256");
        pb.environment().put("OPENBLAS_NUM_THREADS", String.valueOf(threads));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        Double ms = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                System.out.println(line.startsWith("{") ? line.replace("{", "{\"openblas_threads\":" + threads + ",") : "# peer: " + line);
                int k = line.indexOf("\"ms_per_step\":");
                if (k >= 0) {
                    String v = line.substring(k + 14).split("[,}]")[0].trim();
                    ms = Double.parseDouble(v);
                }
            }
        }
        return p.waitFor() == 0 ? ms : null;
    }
}
