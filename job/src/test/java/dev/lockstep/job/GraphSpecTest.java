package dev.lockstep.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Graph models as spec data: dependency order, and the errors of bad graphs, each at its field path. */
class GraphSpecTest {
    static final String SEQ2SEQ = SpecFixtures.SEQ2SEQ;

    @Test
    void nodesAreInDependencyOrder() {
        ModelSpec.Graph g = (ModelSpec.Graph) JobSpec.parse(SEQ2SEQ, java.nio.file.Path.of("/tmp")).model();
        List<String> order = g.nodes().stream().map(ModelSpec.Node::name).toList();
        for (ModelSpec.Node n : g.nodes()) {
            for (ModelSpec.Ref r : n.inputs()) {
                if (!g.inputs().contains(r.source())) {
                    assertEquals(true, order.indexOf(r.source()) < order.indexOf(n.name()), n + " after " + r);
                }
            }
        }
        for (ModelSpec.Node n : g.nodes()) {
            assertEquals(n.name(), n.layer().name(), "a node's layer is named after the node");
            assertEquals(n.layer() instanceof LayerSpec.Recurrent ? 2 : 1, n.layer().outputs(), n.name());
        }
    }

    @Test
    void cyclesAreRejectedWithTheirPath() {
        String yaml = SEQ2SEQ.replace("inputs: [src]}", "inputs: [joined]}");
        List<String> p = SpecErrorsTest.problems(yaml);
        assertEquals(List.of("model.graph.nodes[2].inputs: cycle joined -> context -> encoder -> joined; a graph node may "
                + "only read features and nodes that do not depend on it"), p);
    }
    @Test
    void unknownReferencesAndOutputIndexes() {
        List<String> p = SpecErrorsTest.problems(SEQ2SEQ.replace("inputs: [source]}", "inputs: [sourc]}")
                .replace("\"encoder:1\"]}", "\"encoder:2\"]}"));
        SpecErrorsTest.assertHas(p, "model.graph.nodes[5].inputs[0]: unknown reference 'sourc'; did you mean 'source'?");
        SpecErrorsTest.assertHas(p, "model.graph.nodes[3].inputs[0]: 'encoder' has 2 outputs (0..1), not 2");
    }
    @Test
    void arityAndNamesAreChecked() {
        SpecErrorsTest.assertHas(SpecErrorsTest.problems(SEQ2SEQ.replace("inputs: [tgt, context]", "inputs: [tgt]")),
                "model.graph.nodes[2].inputs: concatenate takes 2 or more inputs, got 1");
        SpecErrorsTest.assertHas(SpecErrorsTest.problems(SEQ2SEQ.replace("{name: tgt,", "{name: source,")),
                "model.graph.nodes[6].name: 'source' is already an input");
        SpecErrorsTest.assertHas(SpecErrorsTest.problems(SEQ2SEQ.replace("inputs: [source, target_in]",
                "inputs: [source, target]")), "model.graph.inputs: feature 'target' is not produced by train.data; "
                + "did you mean 'target_in'?");
    }
    @Test
    void mergeLayersOutsideAGraphAreRejected() {
        String yaml = SpecErrorsTest.GOOD.replace("- dense: {units: 3}", "- add");
        SpecErrorsTest.assertHas(SpecErrorsTest.problems(yaml), "model.layers[1]: add takes 2 or more inputs; use model.graph");
    }
}
