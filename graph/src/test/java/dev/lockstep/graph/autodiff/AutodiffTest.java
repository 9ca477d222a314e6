package dev.lockstep.graph.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutodiffTest {
    private static final double[] X = {-1.5, 0.25, 2.0};
    private static final double[] Y = {0.5, -3.0, 4.0};

    /** Evaluates the gradients (with MiniEval) at x = X, y = Y. */
    private static List<double[]> eval(GraphBuilder b, List<Tensor> grads) {
        Graph g = b.buildTensors(grads);
        return MiniEval.eval(g, g.parameters().size() == 1 ? List.of(X) : List.of(X, Y));
    }

    @Test
    void polynomialGradient() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F64, 3);
        Tensor loss = x.mul(x).add(x.mul(3.0)).sumAll();
        double[] got = eval(b, Autodiff.grad(loss, List.of(x))).getFirst();
        for (int i = 0; i < X.length; i++) {
            assertEquals(2 * X[i] + 3, got[i], 1e-12);
        }
    }

    @Test
    void inputUsedTwiceAccumulatesBothCotangents() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F64, 3), y = b.input("y", DType.F64, 3);
        Tensor loss = x.mul(y).add(x.tanh()).sumAll();
        List<double[]> got = eval(b, Autodiff.grad(loss, List.of(x, y)));
        for (int i = 0; i < X.length; i++) {
            double t = Math.tanh(X[i]);
            assertEquals(Y[i] + 1 - t * t, got.get(0)[i], 1e-12);
            assertEquals(X[i], got.get(1)[i], 1e-12);
        }
    }

    @Test
    void broadcastScalarReceivesTheSumOfItsUses() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F64, 3), s = b.input("s", DType.F64);
        Tensor loss = x.mul(s).exp().sumAll();
        Graph g = b.buildTensors(Autodiff.grad(loss, List.of(s)));
        double sv = 0.7, expected = 0;
        for (double v : X) {
            expected += v * Math.exp(v * sv);
        }
        assertEquals(expected, MiniEval.eval(g, List.of(X, new double[] {sv})).getFirst()[0], 1e-12);
    }

    @Test
    void maximumSplitsTiesAndSelectRoutesByPredicate() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F64, 3), y = b.input("y", DType.F64, 3);
        // max(x, x) ties everywhere: each operand gets half, together the full cotangent.
        Tensor loss = x.max(x).add(x.gt(y).select(x.mul(2.0), y.mul(5.0))).sumAll();
        List<double[]> got = eval(b, Autodiff.grad(loss, List.of(x, y)));
        for (int i = 0; i < X.length; i++) {
            assertEquals(1 + (X[i] > Y[i] ? 2 : 0), got.get(0)[i], 1e-12);
            assertEquals(X[i] > Y[i] ? 0 : 5, got.get(1)[i], 1e-12);
        }
    }

    @Test
    void unreachableInputsAreNamedAndGetZeros() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("enc/kernel", DType.F32, 3), unused = b.input("enc/bias", DType.F32, 3);
        Tensor viaCompare = b.input("mask/threshold", DType.F32, 3);
        Tensor ids = b.input("ids", DType.I32, 3);
        Tensor viaArgmax = b.input("logits", DType.F32, 2, 3);
        Tensor one = b.constant(1, DType.F32), zero = b.constant(0, DType.F32);
        Tensor loss = x.mul(x.gt(viaCompare).select(one, zero)).add(ids.cast(DType.F32))
                .add(viaArgmax.argmax(0).cast(DType.F32)).sumAll();
        var g = Autodiff.gradients(loss, List.of(x, unused, viaCompare, ids, viaArgmax));
        assertEquals(List.of("enc/bias", "mask/threshold", "ids", "logits"), g.unreachable());
        for (int i = 1; i < 5; i++) {
            Tensor z = g.values().get(i);
            assertEquals(List.of(x, unused, viaCompare, ids, viaArgmax).get(i).type(), z.type());
            assertTrue(z.node().op() instanceof LeafOp.Constant c && c.isSplat() && c.value(0) == 0, z.toString());
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> Autodiff.grad(loss, List.of(x, unused, viaCompare)));
        assertTrue(e.getMessage().contains("enc/bias") && e.getMessage().contains("mask/threshold")
                && !e.getMessage().contains("enc/kernel"), e.getMessage());
    }

    @Test
    void integerConvertCutsThePath() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 3);
        Tensor loss = x.cast(DType.I32).cast(DType.F32).sumAll();
        assertEquals(List.of("x"), Autodiff.gradients(loss, List.of(x)).unreachable());
    }

    @Test
    void intermediateNodesAndTheLossItselfCanBeDifferentiated() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F64, 3);
        Tensor h = x.exp();
        Tensor loss = h.mul(x).sumAll();
        List<double[]> got = eval(b, Autodiff.grad(loss, List.of(h, x, loss)));
        for (int i = 0; i < X.length; i++) {
            assertEquals(X[i], got.get(0)[i], 1e-12);
            assertEquals(Math.exp(X[i]) * (X[i] + 1), got.get(1)[i], 1e-12);
        }
        assertArrayEquals(new double[] {1}, got.get(2));
    }

    @Test
    void onlyNodesBetweenLossAndInputsAreDifferentiated() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 3), c = b.input("c", DType.F32, 3);
        Tensor plain = x.mul(x).sumAll();
        int before = b.constant(0, DType.F32).node().id();
        Autodiff.grad(plain, List.of(x));
        int plainCost = b.constant(0, DType.F32).node().id() - before;
        // A large branch that does not depend on x adds nothing to the backward pass.
        Tensor branch = c.tanh().exp().log1p().sqrt().sumAll();
        Tensor withBranch = x.mul(x).sumAll().add(branch);
        before = b.constant(0, DType.F32).node().id();
        Autodiff.grad(withBranch, List.of(x));
        int branchCost = b.constant(0, DType.F32).node().id() - before;
        assertEquals(plainCost, branchCost, "add passes its cotangent through; the branch must cost nothing");
    }

    @Test
    void lossMustBeAFloatingScalarAndErrorsNameTheSite() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> Autodiff.grad(x.tanh(), List.of(x)));
        assertTrue(e.getMessage().contains("f32[3]") && e.getMessage().contains("AutodiffTest.java:"), e.getMessage());
        GraphBuilder other = new GraphBuilder();
        Tensor y = other.input("y", DType.F32, 3);
        e = assertThrows(IllegalArgumentException.class, () -> Autodiff.grad(x.sumAll(), List.of(y)));
        assertTrue(e.getMessage().contains("another graph"), e.getMessage());
    }
}
