package dev.lockstep.bench;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Executable;
import dev.lockstep.tensor.DType;
import dev.lockstep.device.nd4j.CpuDeviceProvider;
import dev.lockstep.graph.Functions;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.graph.autodiff.Autodiff;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Gradient program of the MLP 784-512-512-10 at batch 256 (forward, softmax cross-entropy,
 * autodiff backward) on the cpu device: ms per step as JSON lines. Arguments: thread counts
 * (default "1,2"), steps to time (default 200), gemm threading {@code openblas|split} (default
 * openblas). The optimizer update is not included (MlpBench has the full training step).
 */
public final class MlpStepMain {
    private MlpStepMain() {}

    public static void main(String[] args) {
        String threadList = args.length > 0 ? args[0] : "1,2";
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        var threading = CpuDeviceProvider.GemmThreading.valueOf(
                (args.length > 2 ? args[2] : "openblas").toUpperCase(Locale.ROOT));
        Graph g = gradientProgram(256);
        for (String t : threadList.split(",")) {
            int threads = Integer.parseInt(t.trim());
            try (Device d = new CpuDeviceProvider(threads, threading).open(); Executable e = d.compile(g)) {
                List<Buffer> in = new ArrayList<>();
                for (TensorType type : g.inputTypes()) {
                    double[] v = new double[(int) type.shape().size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = Math.sin(i * 0.37) * 0.05;
                    }
                    in.add(d.upload(HostTensor.fromDoubles(type, v)));
                }
                List<Buffer> out = new ArrayList<>();
                for (TensorType type : g.outputTypes()) {
                    out.add(d.allocate(type));
                }
                for (int i = 0; i < 50; i++) {
                    e.execute(in, out);
                }
                double best = Double.MAX_VALUE;
                for (int round = 0; round < 3; round++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < steps / 3; i++) {
                        e.execute(in, out);
                    }
                    best = Math.min(best, (System.nanoTime() - t0) / 1e6 / (steps / 3));
                }
                System.out.println(String.format(Locale.ROOT,
                        "{\"bench\":\"mlp_grad_step\",\"batch\":256,\"threads\":%d,\"threading\":\"%s\","
                                + "\"ms_per_step\":%.2f,\"nodes\":%d}", threads, threading, best, g.nodes().size()));
                in.forEach(Buffer::close);
                out.forEach(Buffer::close);
            }
        }
    }

    static Graph gradientProgram(int batch) {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, batch, 784);
        Tensor y = b.input("y", DType.F32, batch, 10);
        List<Tensor> params = List.of(b.input("w1", DType.F32, 784, 512), b.input("b1", DType.F32, 512),
                b.input("w2", DType.F32, 512, 512), b.input("b2", DType.F32, 512),
                b.input("w3", DType.F32, 512, 10), b.input("b3", DType.F32, 10));
        Tensor h = x.matmul(params.get(0)).add(params.get(1)).relu();
        h = h.matmul(params.get(2)).add(params.get(3)).relu();
        Tensor logits = h.matmul(params.get(4)).add(params.get(5));
        Tensor loss = Functions.softmaxCrossEntropy(logits, y).sumAll().div(batch);
        List<Tensor> outs = new ArrayList<>(List.of(loss));
        outs.addAll(Autodiff.grad(loss, params));
        return b.buildTensors(outs);
    }
}
