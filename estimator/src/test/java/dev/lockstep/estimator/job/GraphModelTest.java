package dev.lockstep.estimator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.graph.Tensor;
import dev.lockstep.job.JobSpec;
import dev.lockstep.job.ModelSpec;
import dev.lockstep.job.SpecFixtures;
import dev.lockstep.nn.Mode;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Graph models built from a spec: two inputs, dependency order, several outputs (errors: job GraphSpecTest). */
class GraphModelTest {
    static final List<String> MULTI_INPUT_LAYERS = List.of("add", "concatenate");

    static final String SEQ2SEQ = SpecFixtures.SEQ2SEQ;

    static JobSpec parse(String yaml) {
        return JobSpec.parse(yaml, Path.of("/tmp"));
    }

    @Test
    void twoInputGraphEvaluatesInDependencyOrder() {
        ModelSpec.Graph g = (ModelSpec.Graph) parse(SEQ2SEQ).model();
        List<String> order = g.nodes().stream().map(ModelSpec.Node::name).toList();
        for (ModelSpec.Node n : g.nodes()) {
            for (ModelSpec.Ref r : n.inputs()) {
                if (!g.inputs().contains(r.source())) {
                    assertEquals(true, order.indexOf(r.source()) < order.indexOf(n.name()), n + " after " + r);
                }
            }
        }
        GraphModule m = new GraphModule(g);
        TensorType ids = TensorType.of(DType.I32, 3, 4);
        List<Tensor> out = Traces.trace(m, Mode.TRAIN, ids, ids);
        assertEquals(Shape.of(3, 4, 7), out.get(0).shape());
        assertEquals(Shape.of(3, 5), out.get(1).shape());
        assertEquals(java.util.Set.of("logits", "decoder", "joined", "context", "encoder", "src", "tgt", "both"),
                m.children().keySet(), "children are named after their nodes");
        assertEquals(true, m.variables().stream().anyMatch(v -> v.path().equals("encoder/recurrent_kernel")));
    }
}
