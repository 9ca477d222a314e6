package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.tensor.DType;
import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.HostTensor;
import java.util.List;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;

/** Per-example losses against hand formulas, including the extreme logits where naive code overflows. */
class LossesTest {
    private static double[] eval(double[] a, double[] b, int rows, int cols, BinaryOperator<Tensor> loss, DType bType) {
        GraphBuilder g = new GraphBuilder();
        Tensor x = g.input("a", DType.F64, rows, cols);
        Tensor y = bType == DType.I32 ? g.input("b", DType.I32, rows) : g.input("b", DType.F64, rows, cols);
        var device = new ReferenceDevice();
        var exe = device.compile(g.buildTensors(List.of(loss.apply(x, y))));
        HostTensor bt = bType == DType.I32 ? HostTensor.fromDoubles(y.type(), b) : HostTensor.ofDoubles(b, rows, cols);
        return exe.execute(List.of(device.upload(HostTensor.ofDoubles(a, rows, cols)), device.upload(bt)))
                .getFirst().toHost().toDoubles();
    }

    @Test
    void softmaxCrossEntropyDenseAndSparseAgreeAndSurviveHugeLogits() {
        double[] logits = {1000, 0, -1000, 1, 2, 3};
        double[] dense = {0, 1, 0, 0, 0, 1};
        double[] a = eval(logits, dense, 2, 3, Losses::softmaxCrossEntropy, DType.F64);
        double[] s = eval(logits, new double[] {1, 2}, 2, 3, Losses::sparseSoftmaxCrossEntropy, DType.I32);
        assertEquals(1000.0, a[0], 1e-9);
        assertEquals(Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3, a[1], 1e-12);
        assertEquals(a[0], s[0], 1e-12);
        assertEquals(a[1], s[1], 1e-12);
    }

    @Test
    void sigmoidBinaryCrossEntropyIsStableForLargeLogits() {
        double[] logits = {800, -800, 0.3};
        double[] targets = {0, 0, 1};
        double[] l = eval(logits, targets, 1, 3, Losses::sigmoidBinaryCrossEntropy, DType.F64);
        double expected = (800 + 0 + Math.log1p(Math.exp(-0.3))) / 3;
        assertEquals(expected, l[0], 1e-9);
    }

    @Test
    void mseAndHuberAverageOverFeatures() {
        double[] p = {1, 2, 3, 4}, t = {1.5, 2, 0, 4};
        assertEquals((0.25 + 0 + 9 + 0) / 4, eval(p, t, 1, 4, Losses::meanSquaredError, DType.F64)[0], 1e-12);
        double huber = (0.5 * 0.25 + 0 + (1.0 * (3 - 0.5)) + 0) / 4;
        assertEquals(huber, eval(p, t, 1, 4, (a, b) -> Losses.huber(a, b, 1.0), DType.F64)[0], 1e-12);
    }
}
