package dev.lockstep.bench;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Devices;
import dev.lockstep.device.Executable;
import dev.lockstep.device.nd4j.KernelProfiler;
import dev.lockstep.graph.Graph;
import dev.lockstep.tensor.HostTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Executor overhead on the MLP training step (cpu device): wall time per step against the sum of
 * its kernel times, and the kernel time per op kind. Arguments: steps (default 300).
 */
public final class MlpProfile {
    private MlpProfile() {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        MlpStep mlp = new MlpStep(256, 784, 512, 512, 10);
        Graph graph = mlp.build(0.05, 0.9);
        try (Device device = Devices.open("cpu"); Executable exe = device.compile(graph)) {
            List<HostTensor> init = mlp.initialInputs(42);
            List<Buffer> a = new ArrayList<>(), b = new ArrayList<>();
            for (HostTensor t : init) {
                a.add(device.upload(t));
            }
            for (int i = 2; i < init.size(); i++) {
                b.add(device.allocate(init.get(i).type()));
            }
            Buffer loss = device.allocate(graph.outputTypes().getFirst());
            for (int s = 0; s < 30; s++) {
                step(exe, a, b, loss);
                swap(a, b);
            }
            KernelProfiler profiler = KernelProfiler.attach(exe);
            profiler.reset();
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                step(exe, a, b, loss);
                swap(a, b);
            }
            double wallMs = (System.nanoTime() - t0) / 1e6 / steps;
            double kernelMs = profiler.totalNanos() / 1e6 / steps;
            System.out.printf(Locale.ROOT, "{\"bench\":\"executor_overhead\",\"device\":\"cpu\",\"ms_per_step\":%.3f,"
                    + "\"kernel_ms\":%.3f,\"overhead\":%.3f}%n", wallMs, kernelMs, wallMs / kernelMs - 1);
            profiler.byKind().entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                    .forEach(e -> System.out.printf(Locale.ROOT, "{\"bench\":\"kernel_time\",\"kind\":\"%s\",\"ms_per_step\":%.3f}%n",
                            e.getKey(), e.getValue() / 1e6 / steps));
        }
    }

    /** Inputs: x, labels, then the live state (a); outputs: loss, then the new state (b). */
    private static void step(Executable exe, List<Buffer> a, List<Buffer> b, Buffer loss) {
        List<Buffer> out = new ArrayList<>(List.of(loss));
        out.addAll(b);
        exe.execute(a, out);
    }

    private static void swap(List<Buffer> a, List<Buffer> b) {
        for (int i = 0; i < b.size(); i++) {
            Buffer t = a.get(i + 2);
            a.set(i + 2, b.get(i));
            b.set(i, t);
        }
    }
}
