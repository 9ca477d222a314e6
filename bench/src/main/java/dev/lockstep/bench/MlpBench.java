package dev.lockstep.bench;

import dev.lockstep.device.Buffer;
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
 * <p>Usage: {@code MlpBench [--devices cpu,xla-cpu] [--steps 200] [--warmup 300] [--rounds 5] [--peer PATH]
 * [--peer-threads 2] [--python /usr/bin/python3]}.
 */
public final class MlpBench {
    private MlpBench() {}

    public static void main(String[] args) throws Exception {
        List<String> devices = List.of("cpu", "xla-cpu");
        int steps = 200;
        int warmup = 300;
        int rounds = 5;
        String peer = "../shared/bench/torch_ddp_bench.py";
        int peerThreads = Runtime.getRuntime().availableProcessors();
        // Debian's python3, the one python3-torch installs into (not a pyenv or virtualenv shim).
        String python = "/usr/bin/python3";
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--devices" -> devices = List.of(args[i + 1].split(","));
                case "--steps" -> steps = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--peer" -> peer = args[i + 1];
                case "--peer-threads" -> peerThreads = Integer.parseInt(args[i + 1]);
                case "--python" -> python = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; expected --devices, --steps, --warmup, --rounds, --peer, --peer-threads, --python");
            }
        }
        MlpStep mlp = new MlpStep(256, 784, 512, 512, 10);
        Graph graph = mlp.build(0.05, 0.9);
        boolean withPeer = Files.exists(Path.of(peer));
        if (!withPeer) {
            System.out.println("{\"bench\":\"mlp_step_peer\",\"skipped\":\"" + peer + " not found\"}");
        }
        List<MlpRunner> runners = new ArrayList<>();
        try {
            for (String name : devices) {
                MlpRunner r = new MlpRunner(name, mlp, graph);
                runners.add(r);
                r.time(warmup); // past HotSpot compiling the Java kernels: timed rounds are steady state
            }
            // Rounds alternate Lockstep and the peer, so load drift on a shared machine hits both;
            // each ratio is taken within one round and the median round is reported.
            List<List<Double>> ratios = new ArrayList<>();
            for (int d = 0; d < devices.size(); d++) {
                ratios.add(new ArrayList<>());
            }
            for (int round = 1; round <= rounds; round++) {
                double[] ours = new double[runners.size()];
                for (int d = 0; d < runners.size(); d++) {
                    ours[d] = runners.get(d).time(steps);
                    runners.get(d).report(round, steps, ours[d]);
                }
                Double torchMs = withPeer ? runPeer(python, peer, steps, peerThreads) : null;
                if (torchMs == null) {
                    continue;
                }
                for (int d = 0; d < runners.size(); d++) {
                    ratios.get(d).add(ours[d] / torchMs);
                    System.out.printf(Locale.ROOT, "{\"bench\":\"mlp_step_ratio\",\"round\":%d,\"device\":\"%s\","
                            + "\"lockstep_ms\":%.3f,\"torch_ms\":%.3f,\"ratio\":%.3f}%n",
                            round, devices.get(d), ours[d], torchMs, ours[d] / torchMs);
                }
            }
            for (int d = 0; d < devices.size(); d++) {
                List<Double> r = new ArrayList<>(ratios.get(d));
                if (r.isEmpty()) {
                    continue;
                }
                r.sort(null);
                System.out.printf(Locale.ROOT, "{\"bench\":\"mlp_step_ratio_median\",\"device\":\"%s\",\"rounds\":%d,"
                        + "\"median\":%.3f,\"min\":%.3f,\"max\":%.3f}%n", devices.get(d), r.size(),
                        r.get(r.size() / 2), r.getFirst(), r.getLast());
            }
        } finally {
            for (MlpRunner r : runners) {
                r.close();
            }
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
