package dev.lockstep.job;

import static dev.lockstep.job.SpecErrorsTest.assertHas;
import static dev.lockstep.job.SpecErrorsTest.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Graph nodes whose gru or lstm starts from another node's final state ({@code initial_state}), as spec data. */
class RecurrentStateSpecTest {
    static final String SPEC = SpecFixtures.ENCODER_DECODER_WITH_STATE;
    private static ModelSpec.Graph graph(String yaml) {
        return (ModelSpec.Graph) JobSpec.parse(yaml, Path.of("/tmp")).model();
    }

    private static ModelSpec.Node node(ModelSpec.Graph g, String name) {
        return g.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aGruNodeReadsItsInitialStateFromAnotherNode() {
        ModelSpec.Graph g = graph(SPEC);
        assertEquals(List.of(new ModelSpec.Ref("encoder", 1)), node(g, "decoder").initialState());
        assertEquals(List.of(), node(g, "encoder").initialState());
    }

    @Test
    void theNodeOrderFollowsInitialStateReferences() {
        // The encoder is listed last and the decoder reads it only through its initial state.
        String encoder = "      - {name: encoder, layer: {gru: {units: 5}}, inputs: [src]}\n";
        String logits = "      - {name: logits, layer: {dense: {units: 7}}, inputs: [decoder]}\n";
        String yaml = SPEC.replace(encoder, "").replace(logits, logits + encoder);
        assertTrue(yaml.indexOf("name: encoder") > yaml.indexOf("name: logits"), yaml);
        List<String> order = graph(yaml).nodes().stream().map(ModelSpec.Node::name).toList();
        assertTrue(order.indexOf("encoder") < order.indexOf("decoder"), order.toString());
    }

    @Test
    void anLstmTakesHThenC() {
        String yaml = SPEC.replace("gru: {units: 5}}", "lstm: {units: 5}}")
                .replace("{gru: {units: 5, return_sequences: true}}", "{lstm: {units: 5, return_sequences: true}}")
                .replace("initial_state: [\"encoder:1\"]", "initial_state: [\"encoder:1\", \"encoder:2\"]");
        ModelSpec.Graph g = graph(yaml);
        assertEquals(List.of(new ModelSpec.Ref("encoder", 1), new ModelSpec.Ref("encoder", 2)),
                node(g, "decoder").initialState());
        assertEquals(List.of("h", "c"), node(g, "decoder").layer().stateNames());
        assertHas(problems(yaml.replace(", \"encoder:2\"]", "]")), "model.graph.nodes[3].initial_state: lstm takes 2 "
                + "initial state references [h, c], e.g. [encoder:1, encoder:2] for the final state of node 'encoder'; got 1");
    }

    @Test
    void errorsNameTheFieldPath() {
        assertHas(problems(SPEC.replace("[\"encoder:1\"]", "[\"encoder:1\", \"encoder:1\"]")),
                "model.graph.nodes[3].initial_state: gru takes 1 initial state reference [h], e.g. [encoder:1] for the "
                        + "final state of node 'encoder'; got 2");
        assertHas(problems(SPEC.replace("inputs: [decoder]}", "inputs: [decoder], initial_state: [encoder]}")),
                "model.graph.nodes[4].initial_state: dense takes no initial state (gru and lstm do)");
        assertHas(problems(SPEC.replace("[\"encoder:1\"]", "[\"encodr:1\"]")),
                "model.graph.nodes[3].initial_state[0]: unknown reference 'encodr'; did you mean 'encoder'?");
        assertHas(problems(SPEC.replace("[\"encoder:1\"]", "[\"encoder:2\"]")),
                "model.graph.nodes[3].initial_state[0]: 'encoder' has 2 outputs (0..1), not 2");
        assertHas(problems(SPEC.replace("[\"encoder:1\"]", "[\"encoder:h\"]")),
                "model.graph.nodes[3].initial_state[0]: expected a node name, optionally with an output index "
                        + "(enc or enc:1), got \"encoder:h\"");
    }

    @Test
    void aCycleThroughAnInitialStateIsReportedThere() {
        List<String> p = problems(SPEC.replace("inputs: [src]}", "inputs: [src], initial_state: [\"decoder:1\"]}"));
        assertEquals(List.of("model.graph.nodes[3].initial_state: cycle encoder -> decoder -> encoder; a graph node "
                + "may only read features and nodes that do not depend on it"), p);
    }
}
