package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Executable;
import dev.lockstep.tensor.DType;
import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.Tensor;
import dev.lockstep.graph.autodiff.Autodiff;
import dev.lockstep.nn.layers.GRU;
import dev.lockstep.nn.layers.LSTM;
import dev.lockstep.nn.layers.Recurrent;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The loss of a recurrent layer started from a given state depends on that state, and autodiff's
 * gradient into it equals central finite differences (f64, reference interpreter), through masked steps.
 */
class RecurrentStateGradientTest {
    private static final int N = 2, T = 3, F = 2, U = 3;
    private static final boolean[] MASK = {true, false, true, false, true, true};

    @Test
    void gruGradientIntoTheInitialStateMatchesFiniteDifferences() {
        check(new GRU(U, true));
    }

    @Test
    void lstmGradientsIntoBothInitialStatesMatchFiniteDifferences() {
        check(new LSTM(U, false));
    }

    private static void check(Recurrent layer) {
        int k = layer.stateNames().size();
        GraphBuilder b = new GraphBuilder();
        Scope scope = new Scope(b, Mode.TRAIN, layer, 3);
        Map<String, HostTensor> inputs = new HashMap<>();
        inputs.put("x", LayerReferenceTest.random(21, N, T, F));
        inputs.put("mask", HostTensor.ofBools(MASK, N, T));
        Tensor x = b.input("x", DType.F64, N, T, F), mask = b.input("mask", DType.BOOL, N, T);
        List<Tensor> states = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            String name = "state_" + layer.stateNames().get(i);
            inputs.put(name, LayerReferenceTest.random(22 + i, N, U));
            states.add(b.input(name, DType.F64, N, U));
        }
        // A random linear functional of every output (sequence or last output, then each final state).
        Tensor loss = null;
        SplittableRandom r = new SplittableRandom(5);
        for (Tensor out : layer.callWithInitialState(scope, states, x, mask)) {
            double[] w = r.doubles(out.shape().size(), -1, 1).toArray();
            Tensor term = out.mul(b.constant(out.type(), w)).sumAll();
            loss = loss == null ? term : loss.add(term);
        }
        List<Tensor> outs = new ArrayList<>(List.of(loss));
        outs.addAll(Autodiff.grad(loss, states));
        var graph = b.buildTensors(outs);
        for (Node p : graph.parameters()) {
            String name = ((LeafOp.Parameter) p.op()).name();
            VariableSpec v = scope.usedVariables().get(name);
            if (v != null) {
                inputs.put(name, HostTensor.fromDoubles(v.type(), v.initializer().values(v.type().shape(), v.path(), 3)));
            }
        }
        try (var device = new ReferenceDevice(); Executable exe = device.compile(graph)) {
            List<double[]> at = run(device, exe, graph, inputs);
            for (int s = 0; s < k; s++) {
                String name = "state_" + layer.stateNames().get(s);
                double[] analytic = at.get(1 + s), base = inputs.get(name).toDoubles();
                double norm = 0;
                for (int i = 0; i < base.length; i++) {
                    double eps = 1e-6;
                    double[] plus = base.clone(), minus = base.clone();
                    plus[i] += eps;
                    minus[i] -= eps;
                    inputs.put(name, HostTensor.ofDoubles(plus, N, U));
                    double lp = run(device, exe, graph, inputs).getFirst()[0];
                    inputs.put(name, HostTensor.ofDoubles(minus, N, U));
                    double fd = (lp - run(device, exe, graph, inputs).getFirst()[0]) / (2 * eps);
                    assertEquals(fd, analytic[i], 1e-6 * Math.max(1, Math.abs(fd)), name + "[" + i + "]");
                    norm += fd * fd;
                }
                inputs.put(name, HostTensor.ofDoubles(base, N, U));
                // Guards against a trivially passing check: the loss must actually depend on the state.
                assertTrue(Math.sqrt(norm) > 1e-2, name + " barely moves the loss: |d loss| = " + Math.sqrt(norm));
            }
        }
    }

    private static List<double[]> run(ReferenceDevice device, Executable exe, dev.lockstep.graph.Graph graph,
                                      Map<String, HostTensor> inputs) {
        List<Buffer> in = new ArrayList<>();
        for (Node p : graph.parameters()) {
            in.add(device.upload(inputs.get(((LeafOp.Parameter) p.op()).name())));
        }
        List<double[]> out = new ArrayList<>();
        for (Buffer o : exe.execute(in)) {
            out.add(o.toHost().toDoubles());
            o.close();
        }
        in.forEach(Buffer::close);
        return out;
    }
}
