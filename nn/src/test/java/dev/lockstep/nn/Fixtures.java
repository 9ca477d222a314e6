package dev.lockstep.nn;

import dev.lockstep.tensor.DType;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.Map;
import java.util.SplittableRandom;

/** Small models and data shared by the nn tests. */
final class Fixtures {
    private Fixtures() {}

    /** A model function: per-example mean squared error of model(x) against y. */
    static TrainStep.LossFn mse(Module model) {
        return (scope, f, l) -> Losses.meanSquaredError(model.call(scope, f.get("x")), l.get("y"));
    }

    static Map<String, TensorType> types(DType d, int batch, int in) {
        return Map.of("x", TensorType.of(d, batch, in));
    }

    /** Random regression data: x [n, in] Gaussian, y [n, out] = a fixed random linear map of x plus noise. */
    static HostTensor[] regression(DType d, int n, int in, int out, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n * in], y = new double[n * out], w = new double[in * out];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextDouble(-1, 1);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble(-1, 1);
        }
        for (int e = 0; e < n; e++) {
            for (int o = 0; o < out; o++) {
                double s = 0.1 * r.nextDouble(-1, 1);
                for (int k = 0; k < in; k++) {
                    s += x[e * in + k] * w[k * out + o];
                }
                y[e * out + o] = s;
            }
        }
        return new HostTensor[] {HostTensor.fromDoubles(TensorType.of(d, n, in), x),
                HostTensor.fromDoubles(TensorType.of(d, n, out), y)};
    }

    /** Rows [from, to) of a [n, k] host tensor. */
    static HostTensor rows(HostTensor t, int from, int to) {
        int k = t.shape().dim(1);
        double[] all = t.toDoubles();
        double[] part = java.util.Arrays.copyOfRange(all, from * k, to * k);
        return HostTensor.fromDoubles(TensorType.of(t.dtype(), to - from, k), part);
    }

    static Sequential mlp(int hidden, int out) {
        return Sequential.of("hidden", new Dense(hidden, dev.lockstep.nn.layers.Activation.Fn.TANH),
                "out", new Dense(out));
    }
}
