package dev.lockstep.bench;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Devices;
import dev.lockstep.device.Executable;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How much an elementwise kernel depends on what ran before it in the process: an Adam-shaped fused
 * update over a 784x256 tensor on device cpu, timed when it is the first program the process runs and
 * when the MLP training step (batch 64) has run 3,000 times before it was compiled. The kernels share
 * JIT-compiled code, so the first program's profile decides how that code is compiled. Argument:
 * {@code first} (the update runs first, default) or {@code after} (the MLP step runs first). Run each
 * in its own process.
 */
public final class SharedJitBench {
    private SharedJitBench() {}

    public static void main(String[] args) {
        boolean after = args.length > 0 && args[0].equals("after");
        try (Device device = Devices.open("cpu")) {
            if (after) {
                runMlp(device, 3000);
            }
            Graph update = adamShaped(784, 256);
            try (Executable e = device.compile(update)) {
                List<Buffer> in = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    in.add(device.upload(HostTensor.fromDoubles(TensorType.of(DType.F32, 784, 256), new double[784 * 256])));
                }
                in.add(device.upload(HostTensor.ofFloats(new float[] {0.001f})));
                List<Buffer> out = new ArrayList<>();
                for (TensorType t : update.outputTypes()) {
                    out.add(device.allocate(t));
                }
                double best = Double.MAX_VALUE;
                for (int round = 0; round < 4; round++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < 2000; i++) {
                        e.execute(in, out);
                    }
                    best = Math.min(best, (System.nanoTime() - t0) / 2000 / 1e3);
                }
                System.out.printf(Locale.ROOT, "{\"bench\":\"shared_jit\",\"mlp_first\":%b,\"update_us\":%.1f}%n", after, best);
                in.forEach(Buffer::close);
                out.forEach(Buffer::close);
            }
        }
    }

    /** p, m, v, g, lr -> p', m', v' in Adam's shape (constants in place of the bias corrections). */
    static Graph adamShaped(int rows, int cols) {
        GraphBuilder g = new GraphBuilder();
        Tensor p = g.input("p", DType.F32, rows, cols), m = g.input("m", DType.F32, rows, cols);
        Tensor v = g.input("v", DType.F32, rows, cols), grad = g.input("g", DType.F32, rows, cols);
        Tensor lr = g.input("lr", DType.F32);
        Tensor m2 = m.mul(0.9).add(grad.mul(0.1));
        Tensor v2 = v.mul(0.999).add(grad.mul(grad).mul(0.001));
        Tensor step = m2.div(0.5).div(v2.div(0.3).sqrt().add(1e-7)).mul(lr);
        return g.buildTensors(List.of(p.sub(step), m2, v2));
    }

    static void runMlp(Device device, int steps) {
        MlpStep mlp = new MlpStep(64, 784, 256, 256, 10);
        Graph graph = mlp.build(0.05, 0.9);
        try (Executable e = device.compile(graph)) {
            List<Buffer> in = new ArrayList<>();
            for (HostTensor t : mlp.initialInputs(1)) {
                in.add(device.upload(t));
            }
            List<Buffer> out = new ArrayList<>();
            for (TensorType t : graph.outputTypes()) {
                out.add(device.allocate(t));
            }
            for (int i = 0; i < steps; i++) {
                e.execute(in, out);
            }
            in.forEach(Buffer::close);
            out.forEach(Buffer::close);
        }
    }
}
