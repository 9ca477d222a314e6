package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.device.Device;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.nn.layers.RepeatVector;
import dev.lockstep.tensor.HostTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RepeatVectorTest {
    static java.util.stream.Stream<Device> devices() {
        return LayerReferenceTest.devices();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void everyStepHoldsTheInputRow(Device device) {
        int n = 2, f = 3, times = 4;
        HostTensor x = LayerReferenceTest.random(4, n, f);
        double[] xs = x.toDoubles(), expected = new double[n * times * f];
        for (int b = 0; b < n; b++) {
            for (int t = 0; t < times; t++) {
                System.arraycopy(xs, b * f, expected, (b * times + t) * f, f);
            }
        }
        assertArrayEquals(expected, new LayerHarness(device, new RepeatVector(times), Mode.TRAIN, 1, x).outputs.getFirst());
    }

    @Test
    void aSequenceInputIsRejectedWithTheLayerPath() {
        Sequential root = Sequential.of("context", new RepeatVector(2));
        GraphBuilder b = new GraphBuilder();
        var x = b.input("x", DType.F32, 2, 3, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> root.call(new Scope(b, Mode.TRAIN, root, 1), x));
        assertTrue(e.getMessage().contains("RepeatVector 'context'") && e.getMessage().contains("[batch, features]")
                && e.getMessage().contains(x.type().toString()), e.getMessage());
    }

    @Test
    void timesMustBePositive() {
        var e = assertThrows(IllegalArgumentException.class, () -> new RepeatVector(0));
        assertTrue(e.getMessage().contains("times must be positive, got 0"), e.getMessage());
    }
}
