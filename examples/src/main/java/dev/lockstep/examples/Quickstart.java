package dev.lockstep.examples;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Devices;
import dev.lockstep.device.Executable;
import dev.lockstep.device.HostTensor;
import dev.lockstep.graph.DType;
import dev.lockstep.graph.Functions;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.graph.TensorType;
import dev.lockstep.graph.autodiff.Autodiff;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The README's main job until the estimator and CLI exist: a 2-layer MLP classifies synthetic
 * Gaussian blobs on one device, traced, differentiated and compiled by Lockstep. Prints the loss as
 * it trains and the accuracy on held-out examples; exits 1 if it did not learn.
 *
 * <p>Usage: {@code Quickstart [device] [steps] [seed]}, defaults {@code cpu 300 7}.
 */
public final class Quickstart {
    private static final int FEATURES = 16;
    private static final int HIDDEN = 64;
    private static final int CLASSES = 4;
    private static final int BATCH = 128;

    private Quickstart() {}

    public static void main(String[] args) {
        String deviceName = args.length > 0 ? args[0] : "cpu";
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 7;
        Blobs blobs = new Blobs(seed);
        try (Device device = Devices.open(deviceName)) {
            System.out.printf(Locale.ROOT, "device %s; available devices %s%n", device.name(), Devices.available());
            Executable train = device.compile(trainGraph(0.1, 0.9));
            Executable predict = device.compile(predictGraph());
            SplittableRandom init = new SplittableRandom(seed);
            List<Buffer> state = new ArrayList<>();
            for (TensorType t : paramTypes()) {
                state.add(device.upload(initParam(t, init)));
            }
            for (TensorType t : paramTypes()) {
                state.add(device.upload(HostTensor.zeros(t)));
            }
            List<Buffer> next = new ArrayList<>();
            for (Buffer b : state) {
                next.add(device.allocate(b.type()));
            }
            Buffer loss = device.allocate(TensorType.of(DType.F32));
            long t0 = System.nanoTime();
            for (int step = 1; step <= steps; step++) {
                HostTensor[] batch = blobs.batch(step);
                try (Buffer x = device.upload(batch[0]); Buffer y = device.upload(batch[1])) {
                    List<Buffer> in = new ArrayList<>(List.of(x, y));
                    in.addAll(state);
                    List<Buffer> out = new ArrayList<>(List.of(loss));
                    out.addAll(next);
                    train.execute(in, out);
                }
                List<Buffer> swap = state;
                state = next;
                next = swap;
                if (step == 1 || step % 50 == 0) {
                    System.out.printf(Locale.ROOT, "step %4d  loss %.4f%n", step, loss.toHost().getDouble(0));
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double accuracy = evaluate(device, predict, state.subList(0, 4), blobs);
            System.out.printf(Locale.ROOT, "trained %d steps in %.2f s (%.0f examples/s); held-out accuracy %.3f%n",
                    steps, seconds, steps * BATCH / seconds, accuracy);
            for (Buffer b : state) {
                b.close();
            }
            for (Buffer b : next) {
                b.close();
            }
            loss.close();
            if (accuracy < 0.9) {
                System.err.println("accuracy " + accuracy + " is below 0.9: training did not converge");
                System.exit(1);
            }
        }
    }

    static List<TensorType> paramTypes() {
        return List.of(TensorType.of(DType.F32, FEATURES, HIDDEN), TensorType.of(DType.F32, HIDDEN),
                TensorType.of(DType.F32, HIDDEN, CLASSES), TensorType.of(DType.F32, CLASSES));
    }

    static final String[] NAMES = {"hidden/kernel", "hidden/bias", "logits/kernel", "logits/bias"};

    static Tensor logits(Tensor x, List<Tensor> p) {
        return x.matmul(p.get(0)).add(p.get(1)).relu().matmul(p.get(2)).add(p.get(3));
    }

    static Graph trainGraph(double lr, double momentum) {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, BATCH, FEATURES);
        Tensor y = b.input("labels", DType.I32, BATCH);
        List<Tensor> params = new ArrayList<>(), velocity = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            params.add(b.wrap(b.parameter(NAMES[i], paramTypes().get(i))));
        }
        for (int i = 0; i < NAMES.length; i++) {
            velocity.add(b.wrap(b.parameter(NAMES[i] + "/momentum", paramTypes().get(i))));
        }
        Tensor loss = Functions.sparseSoftmaxCrossEntropy(logits(x, params), y).sum(0).div(BATCH);
        List<Tensor> grads = Autodiff.grad(loss, params);
        List<Tensor> out = new ArrayList<>(List.of(loss));
        List<Tensor> newVelocity = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            Tensor v = velocity.get(i).mul(momentum).add(grads.get(i));
            newVelocity.add(v);
            out.add(params.get(i).sub(v.mul(lr)));
        }
        out.addAll(newVelocity);
        return b.buildTensors(out);
    }

    static Graph predictGraph() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, BATCH, FEATURES);
        List<Tensor> params = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            params.add(b.wrap(b.parameter(NAMES[i], paramTypes().get(i))));
        }
        return b.buildTensors(List.of(logits(x, params).argmax(1)));
    }

    static double evaluate(Device device, Executable predict, List<Buffer> params, Blobs blobs) {
        int correct = 0, total = 0;
        for (int k = 0; k < 8; k++) {
            HostTensor[] batch = blobs.batch(-1 - k);
            try (Buffer x = device.upload(batch[0])) {
                List<Buffer> in = new ArrayList<>(List.of(x));
                in.addAll(params);
                List<Buffer> out = predict.execute(in);
                int[] predicted = (int[]) out.get(0).toHost().array();
                int[] labels = (int[]) batch[1].array();
                for (int i = 0; i < BATCH; i++) {
                    correct += predicted[i] == labels[i] ? 1 : 0;
                }
                total += BATCH;
                out.forEach(Buffer::close);
            }
        }
        return (double) correct / total;
    }

    static HostTensor initParam(TensorType t, SplittableRandom r) {
        float[] v = new float[(int) t.shape().size()];
        if (t.rank() == 2) {
            double limit = Math.sqrt(6.0 / t.shape().dim(0));
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((r.nextDouble() * 2 - 1) * limit);
            }
        }
        return HostTensor.ofFloats(v, t.shape().dims());
    }

    /** Four Gaussian blobs in 16-D; batch k is a pure function of (seed, k). */
    record Blobs(long seed) {
        HostTensor[] batch(long k) {
            SplittableRandom centers = new SplittableRandom(seed);
            double[][] mu = new double[CLASSES][FEATURES];
            for (double[] c : mu) {
                for (int f = 0; f < FEATURES; f++) {
                    c[f] = centers.nextDouble(-2, 2);
                }
            }
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + k);
            float[] x = new float[BATCH * FEATURES];
            int[] y = new int[BATCH];
            for (int i = 0; i < BATCH; i++) {
                y[i] = r.nextInt(CLASSES);
                for (int f = 0; f < FEATURES; f++) {
                    double g = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
                    x[i * FEATURES + f] = (float) (mu[y[i]][f] + g);
                }
            }
            return new HostTensor[] {HostTensor.ofFloats(x, BATCH, FEATURES), HostTensor.ofInts(y, BATCH)};
        }
    }
}
