package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.device.Device;
import dev.lockstep.device.Devices;
import dev.lockstep.tensor.DType;
import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.nn.layers.Activation;
import dev.lockstep.nn.layers.BatchNormalization;
import dev.lockstep.nn.layers.Conv;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.nn.layers.Embedding;
import dev.lockstep.nn.layers.GRU;
import dev.lockstep.nn.layers.LSTM;
import dev.lockstep.nn.layers.LayerNormalization;
import dev.lockstep.nn.layers.Padding;
import dev.lockstep.nn.layers.Pooling;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Layer outputs against plain-Java f64 references written here, on every device on the class path
 * (cpu and xla-cpu in the full build) and on the reference interpreter.
 */
class LayerReferenceTest {
    static Stream<Device> devices() {
        List<Device> all = new ArrayList<>(List.of(new ReferenceDevice()));
        for (String name : Devices.available()) {
            all.add(Devices.open(name));
        }
        return all.stream();
    }

    @org.junit.jupiter.api.Test
    void theFullBuildChecksLayersOnCpuAndXlaCpu() {
        // Guards the test classpath: without the device modules this suite would check only the reference.
        assertEquals(true, Devices.available().containsAll(List.of("cpu", "xla-cpu")), Devices.available().toString());
    }

    static HostTensor random(long seed, int... dims) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[(int) TensorType.of(DType.F64, dims).shape().size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble(-2, 2);
        }
        return HostTensor.ofDoubles(v, dims);
    }

    static void assertAllClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-9 * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void denseWithRelu(Device device) {
        HostTensor x = random(1, 3, 4);
        var h = new LayerHarness(device, new Dense(5, Activation.Fn.RELU), Mode.TRAIN, 7, x);
        double[] w = h.value("kernel"), xs = x.toDoubles(), expected = new double[15];
        for (int n = 0; n < 3; n++) {
            for (int o = 0; o < 5; o++) {
                double s = 0;
                for (int k = 0; k < 4; k++) {
                    s += xs[n * 4 + k] * w[k * 5 + o];
                }
                expected[n * 5 + o] = Math.max(0, s);
            }
        }
        assertAllClose(expected, h.outputs.getFirst(), "dense");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void conv1dSamePaddingStride2(Device device) {
        HostTensor x = random(2, 2, 5, 3);
        var h = new LayerHarness(device, Conv.conv1d(2, 3, 2, Padding.SAME, Activation.Fn.LINEAR), Mode.TRAIN, 7, x);
        double[] w = h.value("kernel"), xs = x.toDoubles(), expected = new double[2 * 3 * 2];
        for (int n = 0; n < 2; n++) {
            for (int t = 0; t < 3; t++) {
                for (int o = 0; o < 2; o++) {
                    double s = 0;
                    for (int k = 0; k < 3; k++) {
                        int pos = t * 2 + k - 1; // SAME: total padding 2, one each side
                        if (pos < 0 || pos >= 5) {
                            continue;
                        }
                        for (int c = 0; c < 3; c++) {
                            s += xs[(n * 5 + pos) * 3 + c] * w[(k * 3 + c) * 2 + o];
                        }
                    }
                    expected[(n * 3 + t) * 2 + o] = s;
                }
            }
        }
        assertAllClose(expected, h.outputs.getFirst(), "conv1d");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void maxPooling2dAndAveragePoolingSame(Device device) {
        HostTensor x = random(3, 1, 4, 4, 2);
        double[] xs = x.toDoubles(), expected = new double[8];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                for (int c = 0; c < 2; c++) {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int a = 0; a < 2; a++) {
                        for (int b = 0; b < 2; b++) {
                            m = Math.max(m, xs[((2 * i + a) * 4 + 2 * j + b) * 2 + c]);
                        }
                    }
                    expected[(i * 2 + j) * 2 + c] = m;
                }
            }
        }
        assertAllClose(expected, new LayerHarness(device, Pooling.maxPooling2d(2), Mode.TRAIN, 1, x).outputs.getFirst(),
                "maxpool");
        HostTensor y = HostTensor.ofDoubles(new double[] {1, 2, 3, 4, 10}, 1, 5, 1);
        var avg = new LayerHarness(device, Pooling.averagePooling1d(2).withPadding(Padding.SAME), Mode.TRAIN, 1, y);
        assertAllClose(new double[] {1.5, 3.5, 10}, avg.outputs.getFirst(), "avgpool SAME divides by real elements");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void layerNormAndBatchNormInBothModes(Device device) {
        HostTensor x = random(4, 3, 4);
        double[] xs = x.toDoubles();
        double[] ln = new double[12], bnTrain = new double[12], bnEval = new double[12];
        for (int n = 0; n < 3; n++) {
            double mean = 0, var = 0;
            for (int c = 0; c < 4; c++) {
                mean += xs[n * 4 + c] / 4;
            }
            for (int c = 0; c < 4; c++) {
                var += Math.pow(xs[n * 4 + c] - mean, 2) / 4;
            }
            for (int c = 0; c < 4; c++) {
                ln[n * 4 + c] = (xs[n * 4 + c] - mean) / Math.sqrt(var + 1e-3);
            }
        }
        for (int c = 0; c < 4; c++) {
            double mean = 0, var = 0;
            for (int n = 0; n < 3; n++) {
                mean += xs[n * 4 + c] / 3;
            }
            for (int n = 0; n < 3; n++) {
                var += Math.pow(xs[n * 4 + c] - mean, 2) / 3;
            }
            for (int n = 0; n < 3; n++) {
                bnTrain[n * 4 + c] = (xs[n * 4 + c] - mean) / Math.sqrt(var + 1e-3);
                bnEval[n * 4 + c] = xs[n * 4 + c] / Math.sqrt(1 + 1e-3); // initial moving stats: mean 0, variance 1
            }
        }
        assertAllClose(ln, new LayerHarness(device, new LayerNormalization(), Mode.TRAIN, 1, x).outputs.getFirst(), "ln");
        assertAllClose(bnTrain, new LayerHarness(device, new BatchNormalization(), Mode.TRAIN, 1, x).outputs.getFirst(),
                "bn train");
        assertAllClose(bnEval, new LayerHarness(device, new BatchNormalization(), Mode.EVAL, 1, x).outputs.getFirst(),
                "bn eval");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void embeddingGathersRows(Device device) {
        HostTensor ids = HostTensor.ofInts(new int[] {3, 0, 3, 9}, 2, 2);
        var h = new LayerHarness(device, new Embedding(10, 3, DType.F64), Mode.TRAIN, 5, ids);
        double[] table = h.value("embeddings"), expected = new double[12];
        int[] id = {3, 0, 3, 9};
        for (int i = 0; i < 4; i++) {
            System.arraycopy(table, id[i] * 3, expected, i * 3, 3);
        }
        assertAllClose(expected, h.outputs.getFirst(), "embedding");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void activations(Device device) {
        HostTensor x = random(6, 2, 3);
        double[] xs = x.toDoubles();
        check(device, x, Activation.Fn.GELU, v -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
        check(device, x, Activation.Fn.SOFTPLUS, v -> Math.log1p(Math.exp(v)));
        check(device, x, Activation.Fn.ELU, v -> v > 0 ? v : Math.exp(v) - 1);
        check(device, x, Activation.Fn.SIGMOID, v -> 1 / (1 + Math.exp(-v)));
        double[] softmax = new double[6];
        for (int n = 0; n < 2; n++) {
            double z = 0;
            for (int c = 0; c < 3; c++) {
                z += Math.exp(xs[n * 3 + c]);
            }
            for (int c = 0; c < 3; c++) {
                softmax[n * 3 + c] = Math.exp(xs[n * 3 + c]) / z;
            }
        }
        assertAllClose(softmax, new LayerHarness(device, new Activation(Activation.Fn.SOFTMAX), Mode.TRAIN, 1, x)
                .outputs.getFirst(), "softmax");
    }

    private static void check(Device device, HostTensor x, Activation.Fn fn, Function<Double, Double> ref) {
        double[] xs = x.toDoubles(), expected = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            expected[i] = ref.apply(xs[i]);
        }
        assertAllClose(expected, new LayerHarness(device, new Activation(fn), Mode.TRAIN, 1, x).outputs.getFirst(),
                fn.name());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void gruAndLstmWithMaskCarryStateOverMaskedSteps(Device device) {
        int n = 2, steps = 3, f = 4, u = 3;
        HostTensor x = random(7, n, steps, f);
        HostTensor mask = HostTensor.ofBools(new boolean[] {true, true, false, true, false, true}, n, steps);
        var gru = new LayerHarness(device, new GRU(u, true), Mode.TRAIN, 9, x, mask);
        var lstm = new LayerHarness(device, new LSTM(u, false), Mode.TRAIN, 9, x, mask);
        double[] xs = x.toDoubles();
        boolean[] m = (boolean[]) mask.array();
        double[] gruSeq = new double[n * steps * u], lstmH = new double[n * u], lstmC = new double[n * u];
        for (int b = 0; b < n; b++) {
            double[] h = new double[u], lh = new double[u], lc = new double[u];
            for (int t = 0; t < steps; t++) {
                double[] xt = java.util.Arrays.copyOfRange(xs, (b * steps + t) * f, (b * steps + t + 1) * f);
                if (m[b * steps + t]) {
                    h = gruStep(xt, h, gru.value("kernel"), gru.value("recurrent_kernel"), gru.value("bias"), u);
                    double[][] hc = lstmStep(xt, lh, lc, lstm.value("kernel"), lstm.value("recurrent_kernel"),
                            lstm.value("bias"), u);
                    lh = hc[0];
                    lc = hc[1];
                }
                System.arraycopy(h, 0, gruSeq, (b * steps + t) * u, u);
            }
            System.arraycopy(lh, 0, lstmH, b * u, u);
            System.arraycopy(lc, 0, lstmC, b * u, u);
        }
        assertAllClose(gruSeq, gru.outputs.get(0), "gru sequence");
        assertAllClose(lstmH, lstm.outputs.get(0), "lstm last output");
        assertAllClose(lstmC, lstm.outputs.get(2), "lstm final cell state");
    }

    private static double[] affine(double[] x, double[] w, int cols) {
        double[] out = new double[cols];
        for (int o = 0; o < cols; o++) {
            for (int k = 0; k < x.length; k++) {
                out[o] += x[k] * w[k * cols + o];
            }
        }
        return out;
    }

    private static double sig(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    static double[] gruStep(double[] x, double[] h, double[] w, double[] uw, double[] bias, int u) {
        double[] xw = affine(x, w, 3 * u), hu = affine(h, uw, 3 * u), z = new double[u], r = new double[u];
        double[] rh = new double[u], next = new double[u];
        for (int i = 0; i < u; i++) {
            z[i] = sig(xw[i] + bias[i] + hu[i]);
            r[i] = sig(xw[u + i] + bias[u + i] + hu[u + i]);
            rh[i] = r[i] * h[i];
        }
        double[] cand = affine(rh, uw, 3 * u);
        for (int i = 0; i < u; i++) {
            double c = Math.tanh(xw[2 * u + i] + bias[2 * u + i] + cand[2 * u + i]);
            next[i] = z[i] * h[i] + (1 - z[i]) * c;
        }
        return next;
    }

    static double[][] lstmStep(double[] x, double[] h, double[] c, double[] w, double[] uw, double[] bias, int u) {
        double[] z = affine(x, w, 4 * u), hz = affine(h, uw, 4 * u), nh = new double[u], nc = new double[u];
        for (int i = 0; i < u; i++) {
            double ig = sig(z[i] + hz[i] + bias[i]), fg = sig(z[u + i] + hz[u + i] + bias[u + i]);
            double cand = Math.tanh(z[2 * u + i] + hz[2 * u + i] + bias[2 * u + i]);
            double og = sig(z[3 * u + i] + hz[3 * u + i] + bias[3 * u + i]);
            nc[i] = fg * c[i] + ig * cand;
            nh[i] = og * Math.tanh(nc[i]);
        }
        return new double[][] {nh, nc};
    }
}
