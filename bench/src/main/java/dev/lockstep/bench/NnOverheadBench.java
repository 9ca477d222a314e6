package dev.lockstep.bench;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Devices;
import dev.lockstep.device.Executable;
import dev.lockstep.tensor.DType;
import dev.lockstep.estimator.StepRunner;
import dev.lockstep.graph.Convolution;
import dev.lockstep.graph.Functions;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.ReduceOp;
import dev.lockstep.graph.Tensor;
import dev.lockstep.graph.autodiff.Autodiff;
import dev.lockstep.nn.InitialValues;
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
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
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
        // Each parameter followed by its momentum slot: the order DirectStep reads them in.
        Map<String, HostTensor> init = InitialValues.of(model, config);
        List<TensorType> paramTypes = new ArrayList<>();
        for (VariableSpec v : model.variables()) {
            paramTypes.add(v.type());
        }
        HostTensor x = random(xType, 3), y = oneHot(batch, 10, 4);
        Map<String, HostTensor> batchIn = Map.of("features/x", x, "labels/y", y);
        // Alternate rounds of the two so drift in machine load hits both; report medians.
        List<Double> nnRounds = new ArrayList<>(), graphRounds = new ArrayList<>();
        try (StepRunner runner = new StepRunner(device, gradient, apply, init);
             DirectStep graph = new DirectStep(device, xType, paramTypes, init, x, y, direct)) {
            int rounds = 8, perRound = Math.max(10, steps / rounds);
            for (int i = 0; i < 100; i++) {
                runner.step(List.of(batchIn), i, 0, 0.01);
                graph.step();
            }
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < perRound; i++) {
                    runner.step(List.of(batchIn), i, 0, 0.01);
                }
                nnRounds.add((System.nanoTime() - t0) / 1e6 / perRound);
                t0 = System.nanoTime();
                for (int i = 0; i < perRound; i++) {
                    graph.step();
                }
                graphRounds.add((System.nanoTime() - t0) / 1e6 / perRound);
            }
        }
        double nnMs = median(nnRounds), directMs = median(graphRounds);
        System.out.printf(Locale.ROOT, "{\"bench\":\"nn_vs_graph\",\"model\":\"%s\",\"device\":\"%s\",\"nn_ms\":%.3f,"
                + "\"graph_ms\":%.3f,\"ratio\":%.3f}%n", name, device.name(), nnMs, directMs, nnMs / directMs);
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        java.util.Collections.sort(s);
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    /** The same training step as one graph against the graph API, ping-ponging parameter buffers. */
    static final class DirectStep implements AutoCloseable {
        private final Device device;
        private final Executable exe;
        private final HostTensor x;
        private final List<Buffer> a = new ArrayList<>(), next = new ArrayList<>();
        private final Buffer lossOut;

        DirectStep(Device device, TensorType xType, List<TensorType> paramTypes, Map<String, HostTensor> init,
                   HostTensor x, HostTensor y, Direct direct) {
            this.device = device;
            this.x = x;
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
            Tensor loss = Functions.softmaxCrossEntropy(direct.logits(xt, params), yt).sum(0)
                    .div(xType.shape().dim(0));
            List<Tensor> grads = Autodiff.grad(loss, params);
            List<Tensor> outs = new ArrayList<>(List.of(loss)), newV = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                Tensor v = velocity.get(i).mul(0.9).add(grads.get(i));
                newV.add(v);
                outs.add(params.get(i).sub(v.mul(0.01)));
            }
            outs.addAll(newV);
            Graph g = b.buildTensors(outs);
            this.exe = device.compile(g);
            List<HostTensor> values = new ArrayList<>(init.values());
            a.add(device.upload(x));
            a.add(device.upload(y));
            for (int i = 0; i < values.size(); i += 2) {
                a.add(device.upload(values.get(i)));
            }
            for (int i = 1; i < values.size(); i += 2) {
                a.add(device.upload(values.get(i)));
            }
            for (int i = 2; i < a.size(); i++) {
                next.add(device.allocate(a.get(i).type()));
            }
            lossOut = device.allocate(TensorType.of(DType.F32));
        }

        /** Like a real step: the batch is copied in and the loss read back. */
        void step() {
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

        @Override
        public void close() {
            exe.close();
            a.forEach(Buffer::close);
            next.forEach(Buffer::close);
            lossOut.close();
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
