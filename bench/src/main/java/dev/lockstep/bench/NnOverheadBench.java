package dev.lockstep.bench;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Devices;
import dev.lockstep.device.Executable;
import dev.lockstep.device.HostTensor;
import dev.lockstep.estimator.StepRunner;
import dev.lockstep.graph.Convolution;
import dev.lockstep.graph.DType;
import dev.lockstep.graph.Functions;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.ReduceOp;
import dev.lockstep.graph.Tensor;
import dev.lockstep.graph.TensorType;
import dev.lockstep.graph.autodiff.Autodiff;
import dev.lockstep.nn.Losses;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Optimizer;
import dev.lockstep.nn.Program;
import dev.lockstep.nn.Sequential;
import dev.lockstep.nn.TrainStep;
import dev.lockstep.nn.VariableSpec;
import dev.lockstep.nn.layers.Activation;
import dev.lockstep.nn.layers.Conv;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.nn.layers.Flatten;
import dev.lockstep.nn.layers.Padding;
import dev.lockstep.nn.layers.Pooling;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The model library's cost: one SGD-momentum training step of a model built from nn layers (traced
 * into the gradient and apply programs, run by the estimator's StepRunner with a fresh batch copied
 * in every step) against the same computation written directly against the graph API as one graph.
 * MLP 784-512-512-10 at batch 256 and a small CNN (conv 3x3x16, max-pool 2, dense 10) at batch 64.
 * Arguments: steps (default 200), device (default cpu).
 */
public final class NnOverheadBench {
    private NnOverheadBench() {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        String deviceName = args.length > 1 ? args[1] : "cpu";
        try (Device device = Devices.open(deviceName)) {
            compare(device, "mlp", steps, TensorType.of(DType.F32, 256, 784),
                    Sequential.of("dense0", new Dense(512, Activation.Fn.RELU), "dense1",
                            new Dense(512, Activation.Fn.RELU), "dense2", new Dense(10)),
                    NnOverheadBench::mlpLogits);
            compare(device, "cnn", steps, TensorType.of(DType.F32, 64, 28, 28, 1),
                    Sequential.of("conv", Conv.conv2d(16, 3, 1, Padding.SAME, Activation.Fn.RELU),
                            "pool", Pooling.maxPooling2d(2), "flatten", new Flatten(), "logits", new Dense(10)),
                    NnOverheadBench::cnnLogits);
        }
    }

    /** The direct version's forward pass, over parameters in the nn model's path order. */
    interface Direct {
        Tensor logits(Tensor x, List<Tensor> params);
    }

    static Tensor mlpLogits(Tensor x, List<Tensor> p) {
        Tensor h = x.matmul(p.get(0)).add(p.get(1)).relu();
        h = h.matmul(p.get(2)).add(p.get(3)).relu();
        return h.matmul(p.get(4)).add(p.get(5));
    }

    static Tensor cnnLogits(Tensor x, List<Tensor> p) {
        int n = x.shape().dim(0);
        Tensor c = x.conv(p.get(0), new Convolution(new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {1, 1}, 1)).add(p.get(1)).relu();
        Tensor pooled = c.reduceWindow(ReduceOp.Reduction.MAX, new int[] {1, 2, 2, 1}, new int[] {1, 2, 2, 1},
                new int[4], new int[4]);
        return pooled.reshape(n, 14 * 14 * 16).matmul(p.get(2)).add(p.get(3));
    }

    static void compare(Device device, String name, int steps, TensorType xType, Module model, Direct direct) {
        int batch = xType.shape().dim(0);
        var features = Map.of("x", xType);
        var labels = Map.of("y", TensorType.of(DType.F32, batch, 10));
        var config = TrainStep.Config.of(new Optimizer.Momentum(0.9, false), 1);
        TrainStep.LossFn loss = (s, f, l) -> Losses.softmaxCrossEntropy(model.call(s, f.get("x")), l.get("y"));
        Program gradient = TrainStep.gradientProgram(model, loss, features, labels, config);
        Program apply = TrainStep.applyProgram(model, config);
        Map<String, HostTensor> init = new LinkedHashMap<>();
        List<TensorType> paramTypes = new ArrayList<>();
        for (VariableSpec v : model.variables()) {
            init.put(v.path(), HostTensor.fromDoubles(v.type(), v.initializer().values(v.type().shape(), v.path(), 1)));
            init.put(TrainStep.slotName(v.path(), "momentum"), HostTensor.zeros(v.type()));
            paramTypes.add(v.type());
        }
        HostTensor x = random(xType, 3), y = oneHot(batch, 10, 4);
        double nnMs;
        try (StepRunner runner = new StepRunner(device, gradient, apply, init)) {
            Map<String, HostTensor> batchIn = Map.of("features/x", x, "labels/y", y);
            for (int i = 0; i < 20; i++) {
                runner.step(List.of(batchIn), i, 0, 0.01);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                runner.step(List.of(batchIn), i, 0, 0.01);
            }
            nnMs = (System.nanoTime() - t0) / 1e6 / steps;
        }
        double directMs = timeDirect(device, steps, xType, paramTypes, init, x, y, direct);
        System.out.printf(Locale.ROOT, "{\"bench\":\"nn_vs_graph\",\"model\":\"%s\",\"device\":\"%s\",\"nn_ms\":%.3f,"
                + "\"graph_ms\":%.3f,\"ratio\":%.3f}%n", name, device.name(), nnMs, directMs, nnMs / directMs);
    }

    static double timeDirect(Device device, int steps, TensorType xType, List<TensorType> paramTypes,
                             Map<String, HostTensor> init, HostTensor x, HostTensor y, Direct direct) {
        GraphBuilder b = new GraphBuilder();
        Tensor xt = b.input("x", xType.dtype(), xType.shape().dims());
        Tensor yt = b.input("y", DType.F32, xType.shape().dim(0), 10);
        List<Tensor> params = new ArrayList<>(), velocity = new ArrayList<>();
        for (int i = 0; i < paramTypes.size(); i++) {
            params.add(b.wrap(b.parameter("p" + i, paramTypes.get(i))));
        }
        for (int i = 0; i < paramTypes.size(); i++) {
            velocity.add(b.wrap(b.parameter("v" + i, paramTypes.get(i))));
        }
        Tensor loss = Functions.softmaxCrossEntropy(direct.logits(xt, params), yt).sum(0).div(xType.shape().dim(0));
        List<Tensor> grads = Autodiff.grad(loss, params);
        List<Tensor> outs = new ArrayList<>(List.of(loss)), newV = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            Tensor v = velocity.get(i).mul(0.9).add(grads.get(i));
            newV.add(v);
            outs.add(params.get(i).sub(v.mul(0.01)));
        }
        outs.addAll(newV);
        Graph g = b.buildTensors(outs);
        try (Executable exe = device.compile(g)) {
            List<HostTensor> values = new ArrayList<>(init.values());
            List<Buffer> a = new ArrayList<>(List.of(device.upload(x), device.upload(y)));
            List<Buffer> next = new ArrayList<>();
            for (int i = 0; i < values.size(); i += 2) {
                a.add(device.upload(values.get(i)));
            }
            for (int i = 1; i < values.size(); i += 2) {
                a.add(device.upload(values.get(i)));
            }
            for (int i = 2; i < a.size(); i++) {
                next.add(device.allocate(a.get(i).type()));
            }
            Buffer lossOut = device.allocate(TensorType.of(DType.F32));
            long t0 = 0;
            for (int s = 0; s < 20 + steps; s++) {
                if (s == 20) {
                    t0 = System.nanoTime();
                }
                // Like a real step: the batch is copied in, and the loss read back.
                a.get(0).copyFrom(x);
                List<Buffer> out = new ArrayList<>(List.of(lossOut));
                out.addAll(next);
                exe.execute(a, out);
                lossOut.toHost();
                for (int i = 0; i < next.size(); i++) {
                    Buffer t = a.get(i + 2);
                    a.set(i + 2, next.get(i));
                    next.set(i, t);
                }
            }
            return (System.nanoTime() - t0) / 1e6 / steps;
        }
    }

    static HostTensor random(TensorType t, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[(int) t.shape().size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble(-1, 1);
        }
        return HostTensor.fromDoubles(t, v);
    }

    static HostTensor oneHot(int n, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n * classes];
        for (int i = 0; i < n; i++) {
            v[i * classes + r.nextInt(classes)] = 1;
        }
        return HostTensor.ofFloats(v, n, classes);
    }
}
