package dev.lockstep.bench;

import dev.lockstep.graph.Graph;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The PJRT binding's overhead: the MLP 784-512-512-10 training step (f32, batch 256, SGD momentum; the step
 * of {@link MlpBench}) on {@code pjrt:PLUGIN} against {@code xla-cpu} in the same JVM, rounds alternating
 * between them. With the test plugin both run the same StableHLO through the same XLA CPU compiler (TensorFlow's
 * XlaCallModule), so the ratio is what the PJRT path (FFM calls, handle swaps, events, transfers of the
 * loss) costs or saves against xla-cpu's copies through TensorFlow Java. Target: at most 1.05.
 * Prints one JSON line per device and round, the ratio per round, and the median.
 *
 * <p>Usage: {@code PjrtBench --plugin PATH [--steps 100] [--warmup 100] [--rounds 5]}; the test plugin is built
 * by {@code bin/pjrt-test-plugin}.
 */
public final class PjrtBench {
    private PjrtBench() {}

    public static void main(String[] args) {
        String plugin = null;
        int steps = 100;
        int warmup = 100;
        int rounds = 5;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--plugin" -> plugin = args[i + 1];
                case "--steps" -> steps = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; expected --plugin, --steps, --warmup, --rounds");
            }
        }
        if (plugin == null) {
            throw new IllegalArgumentException("--plugin PATH is required (bin/pjrt-test-plugin builds the test plugin)");
        }
        MlpStep mlp = new MlpStep(256, 784, 512, 512, 10);
        Graph graph = mlp.build(0.05, 0.9);
        try (MlpRunner xla = new MlpRunner("xla-cpu", mlp, graph);
             MlpRunner pjrt = new MlpRunner("pjrt:" + plugin, mlp, graph)) {
            xla.time(warmup);
            pjrt.time(warmup);
            List<Double> ratios = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                // Alternate which goes first, so a load change within a round hits both alike.
                double x, p;
                if (round % 2 == 1) {
                    x = xla.time(steps);
                    p = pjrt.time(steps);
                } else {
                    p = pjrt.time(steps);
                    x = xla.time(steps);
                }
                xla.report(round, steps, x);
                pjrt.report(round, steps, p);
                ratios.add(p / x);
                System.out.printf(Locale.ROOT, "{\"bench\":\"pjrt_vs_xla_cpu\",\"round\":%d,\"xla_cpu_ms\":%.3f,"
                        + "\"pjrt_ms\":%.3f,\"ratio\":%.3f}%n", round, x, p, p / x);
            }
            List<Double> sorted = new ArrayList<>(ratios);
            sorted.sort(null);
            double median = sorted.get(sorted.size() / 2);
            System.out.printf(Locale.ROOT, "{\"bench\":\"pjrt_vs_xla_cpu_median\",\"rounds\":%d,\"median\":%.3f,"
                    + "\"min\":%.3f,\"max\":%.3f,\"target\":1.05,\"within_target\":%b,\"load_average\":%.2f}%n",
                    sorted.size(), median, sorted.getFirst(), sorted.getLast(), median <= 1.05,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
