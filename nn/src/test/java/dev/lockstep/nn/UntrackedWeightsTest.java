package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.DType;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.tensor.TensorType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TF/Keras silently never trained weights held outside the tracked tree; here that is an error. */
class UntrackedWeightsTest {
    record Heads(Dense left, Dense right) {}

    static final class Containers extends Module {
        final ModuleList list = child("list", new ModuleList(List.of(new Dense(3), new Dense(3))));
        final ModuleMap map = child("map", new ModuleMap(Map.of("only", new Dense(3))));
        final Heads heads = new Heads(new Dense(3), new Dense(3));

        Containers() {
            child("heads", ModuleMap.ofRecord(heads));
        }

        @Override
        protected Tensor forward(Scope s, Tensor... in) {
            Tensor x = in[0];
            for (Module m : list) {
                x = m.call(s, x);
            }
            x = map.get("only").call(s, x);
            return heads.left().call(s, x).add(heads.right().call(s, x));
        }
    }

    @Test
    void layersInListsMapsAndRecordsAreTrackedAndTrained() {
        Containers c = new Containers();
        Program p = TrainStep.gradientProgram(c, Fixtures.mse(c), Fixtures.types(DType.F32, 4, 3),
                Map.of("y", TensorType.of(DType.F32, 4, 3)), TrainStep.Config.of(new Optimizer.Sgd(), 1));
        List<String> paths = c.parameters().stream().map(VariableSpec::path).toList();
        assertEquals(List.of("list/0/kernel", "list/0/bias", "list/1/kernel", "list/1/bias", "map/only/kernel",
                "map/only/bias", "heads/left/kernel", "heads/left/bias", "heads/right/kernel", "heads/right/bias"), paths);
        for (String path : paths) {
            assertTrue(p.outputs(Role.GRADIENT).stream().anyMatch(g -> g.path().equals(path)), path);
        }
    }

    static final class BuildsLayerInForward extends Module {
        @Override
        protected Tensor forward(Scope s, Tensor... in) {
            return new Dense(4).call(s, in);
        }
    }

    @Test
    void layerCreatedInsideForwardIsAnErrorNamingClassSiteAndFix() {
        Module m = new BuildsLayerInForward();
        GraphBuilder b = new GraphBuilder();
        var e = assertThrows(IllegalArgumentException.class,
                () -> m.call(new Scope(b, Mode.TRAIN, m, 1), b.input("x", DType.F32, 2, 3)));
        assertTrue(e.getMessage().contains("Dense"), e.getMessage());
        assertTrue(e.getMessage().contains("UntrackedWeightsTest.java:"), e.getMessage());
        assertTrue(e.getMessage().contains("child(\"name\", module)"), e.getMessage());
    }

    static final class UsesRawGraphInput extends Module {
        final Dense dense = child("dense", new Dense(3));

        @Override
        protected Tensor forward(Scope s, Tensor... in) {
            Tensor stray = s.builder().input("stray_weight", DType.F32, 3);
            return dense.call(s, in).mul(stray);
        }
    }

    @Test
    void variableCreatedOutsideAnyModuleIsAnErrorAtTraceTime() {
        UsesRawGraphInput m = new UsesRawGraphInput();
        var e = assertThrows(IllegalArgumentException.class, () -> TrainStep.gradientProgram(m, Fixtures.mse(m),
                Fixtures.types(DType.F32, 4, 3), Map.of("y", TensorType.of(DType.F32, 4, 3)),
                TrainStep.Config.of(new Optimizer.Sgd(), 1)));
        assertTrue(e.getMessage().contains("stray_weight") && e.getMessage().contains("not owned"), e.getMessage());
    }

    static final class IgnoresOneHead extends Module {
        final Dense used = child("used", new Dense(3));
        final Dense unused = child("unused", new Dense(3));

        @Override
        protected Tensor forward(Scope s, Tensor... in) {
            unused.call(s, in); // built and traced, but its output never reaches the loss
            return used.call(s, in);
        }
    }

    @Test
    void parameterWithoutGradientIsReportedByPathUnlessAllowedOrFrozen() {
        var features = Fixtures.types(DType.F32, 4, 3);
        var labels = Map.of("y", TensorType.of(DType.F32, 4, 3));
        IgnoresOneHead m = new IgnoresOneHead();
        var e = assertThrows(IllegalArgumentException.class, () -> TrainStep.gradientProgram(m, Fixtures.mse(m),
                features, labels, TrainStep.Config.of(new Optimizer.Sgd(), 1)));
        assertTrue(e.getMessage().contains("unused/kernel") && e.getMessage().contains("unused/bias"), e.getMessage());
        assertTrue(!e.getMessage().contains("used/kernel,") || e.getMessage().indexOf("[unused") >= 0, e.getMessage());

        IgnoresOneHead frozen = new IgnoresOneHead();
        TrainStep.gradientProgram(frozen, Fixtures.mse(frozen), features, labels, TrainStep.Config.of(new Optimizer.Sgd(), 1)
                .withFrozen(java.util.Set.of("unused/kernel", "unused/bias")));
        IgnoresOneHead allowed = new IgnoresOneHead();
        Program p = TrainStep.gradientProgram(allowed, Fixtures.mse(allowed), features, labels,
                TrainStep.Config.of(new Optimizer.Sgd(), 1).allowingUnusedParameters());
        assertTrue(p.outputs(Role.GRADIENT).stream().anyMatch(g -> g.path().equals("unused/kernel")));
    }
}
