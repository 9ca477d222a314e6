package dev.lockstep.nn;

import static dev.lockstep.nn.LayerReferenceTest.assertAllClose;
import static dev.lockstep.nn.LayerReferenceTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.device.Device;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.layers.GRU;
import dev.lockstep.nn.layers.LSTM;
import dev.lockstep.nn.layers.Recurrent;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** GRU and LSTM started from a given state (Keras' initial_state) instead of zeros. */
class RecurrentInitialStateTest {
    private static final int N = 2, T = 3, F = 4, U = 3;
    // Example 0 skips step 0 (the initial state must pass through untouched), example 1 skips step 1.
    private static final boolean[] MASK = {false, true, true, true, false, true};

    static java.util.stream.Stream<Device> devices() {
        return LayerReferenceTest.devices();
    }

    /** Traces {@code layer} (the root) on inputs x, mask, then its initial state tensors. */
    private static LayerHarness withState(Device device, Recurrent layer, HostTensor... inputs) {
        return new LayerHarness(device, layer, (scope, in) -> layer.callWithInitialState(scope,
                Arrays.asList(in).subList(2, in.length), in[0], in[1]), Mode.TRAIN, 5, inputs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void aZeroInitialStateIsBitwiseTheDefault(Device device) {
        HostTensor x = random(3, N, T, F), mask = HostTensor.ofBools(MASK, N, T);
        HostTensor zeros = HostTensor.ofDoubles(new double[N * U], N, U);
        List<double[]> gruDefault = new LayerHarness(device, new GRU(U, true), Mode.TRAIN, 5, x, mask).outputs;
        List<double[]> gruZero = withState(device, new GRU(U, true), x, mask, zeros).outputs;
        List<double[]> lstmDefault = new LayerHarness(device, new LSTM(U, true), Mode.TRAIN, 5, x, mask).outputs;
        List<double[]> lstmZero = withState(device, new LSTM(U, true), x, mask, zeros, zeros).outputs;
        assertEquals(2, gruZero.size());
        assertEquals(3, lstmZero.size());
        for (int i = 0; i < gruZero.size(); i++) {
            assertArrayEquals(gruDefault.get(i), gruZero.get(i), "gru output " + i);
        }
        for (int i = 0; i < lstmZero.size(); i++) {
            assertArrayEquals(lstmDefault.get(i), lstmZero.get(i), "lstm output " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void theInitialStateSeedsTheRecurrenceAndMaskedStepsCarryIt(Device device) {
        HostTensor x = random(11, N, T, F), mask = HostTensor.ofBools(MASK, N, T);
        HostTensor h0 = random(12, N, U), c0 = random(13, N, U);
        var gru = withState(device, new GRU(U, true), x, mask, h0);
        var lstm = withState(device, new LSTM(U, true), x, mask, h0, c0);
        double[] xs = x.toDoubles();
        double[] gruSeq = new double[N * T * U], lstmSeq = new double[N * T * U];
        double[] gruH = new double[N * U], lstmH = new double[N * U], lstmC = new double[N * U];
        for (int b = 0; b < N; b++) {
            double[] h = Arrays.copyOfRange(h0.toDoubles(), b * U, (b + 1) * U), lh = h.clone();
            double[] lc = Arrays.copyOfRange(c0.toDoubles(), b * U, (b + 1) * U);
            for (int t = 0; t < T; t++) {
                double[] xt = Arrays.copyOfRange(xs, (b * T + t) * F, (b * T + t + 1) * F);
                if (MASK[b * T + t]) {
                    h = LayerReferenceTest.gruStep(xt, h, gru.value("kernel"), gru.value("recurrent_kernel"),
                            gru.value("bias"), U);
                    double[][] hc = LayerReferenceTest.lstmStep(xt, lh, lc, lstm.value("kernel"),
                            lstm.value("recurrent_kernel"), lstm.value("bias"), U);
                    lh = hc[0];
                    lc = hc[1];
                }
                System.arraycopy(h, 0, gruSeq, (b * T + t) * U, U);
                System.arraycopy(lh, 0, lstmSeq, (b * T + t) * U, U);
            }
            System.arraycopy(h, 0, gruH, b * U, U);
            System.arraycopy(lh, 0, lstmH, b * U, U);
            System.arraycopy(lc, 0, lstmC, b * U, U);
        }
        assertAllClose(gruSeq, gru.outputs.get(0), "gru sequence");
        assertAllClose(gruH, gru.outputs.get(1), "gru final h");
        assertAllClose(lstmSeq, lstm.outputs.get(0), "lstm sequence");
        assertAllClose(lstmH, lstm.outputs.get(1), "lstm final h");
        assertAllClose(lstmC, lstm.outputs.get(2), "lstm final c");
        // Example 0's first step is masked: its output is the initial h itself, not a recomputation.
        assertArrayEquals(Arrays.copyOfRange(h0.toDoubles(), 0, U), Arrays.copyOfRange(gru.outputs.get(0), 0, U));
        assertArrayEquals(Arrays.copyOfRange(h0.toDoubles(), 0, U), Arrays.copyOfRange(lstm.outputs.get(0), 0, U));
    }

    /** Traces {@code decoder} (owned by a one-child tree, so its path is "decoder") from the given states. */
    private static IllegalArgumentException traceError(Recurrent decoder, TensorType... states) {
        Sequential root = Sequential.of("decoder", decoder);
        GraphBuilder b = new GraphBuilder();
        Scope scope = new Scope(b, Mode.TRAIN, root, 1);
        Tensor x = b.input("x", DType.F64, N, T, F);
        List<Tensor> s = new java.util.ArrayList<>();
        for (int i = 0; i < states.length; i++) {
            s.add(b.wrap(b.parameter("s" + i, states[i])));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> decoder.callWithInitialState(scope, s, x));
        assertTrue(decoder.variables().isEmpty(), "a rejected call creates no variables: " + decoder.variables());
        return e;
    }

    @Test
    void aWrongShapeNamesTheLayerPathTheExpectedAndTheActualType() {
        TensorType wrong = TensorType.of(DType.F64, N, U + 1), expected = TensorType.of(DType.F64, N, U);
        String m = traceError(new GRU(U, false), wrong).getMessage();
        assertTrue(m.contains("GRU 'decoder'") && m.contains("initial state h") && m.contains(expected.toString())
                && m.contains("got " + wrong), m);
        String c = traceError(new LSTM(U, false), expected, TensorType.of(DType.F64, N + 1, U)).getMessage();
        assertTrue(c.contains("LSTM 'decoder'") && c.contains("initial state c")
                && c.contains("got " + TensorType.of(DType.F64, N + 1, U)), c);
    }

    @Test
    void aStateOfAnotherDtypeThanXIsRejected() {
        TensorType f32 = TensorType.of(DType.F32, N, U);
        String m = traceError(new GRU(U, false), f32).getMessage();
        assertTrue(m.contains(TensorType.of(DType.F64, N, U).toString()) && m.contains("got " + f32), m);
    }

    @Test
    void theNumberOfStateTensorsMustMatchTheLayer() {
        TensorType s = TensorType.of(DType.F64, N, U);
        String lstm = traceError(new LSTM(U, false), s).getMessage();
        assertTrue(lstm.contains("LSTM 'decoder'") && lstm.contains("2 initial state tensors [h, c], got 1"), lstm);
        String gru = traceError(new GRU(U, false), s, s).getMessage();
        assertTrue(gru.contains("1 initial state tensor [h], got 2"), gru);
    }
}
