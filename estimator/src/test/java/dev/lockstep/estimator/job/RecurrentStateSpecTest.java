package dev.lockstep.estimator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.graph.Tensor;
import dev.lockstep.job.ModelSpec;
import dev.lockstep.job.SpecFixtures;
import dev.lockstep.nn.Mode;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A gru or lstm graph node started from another node's final state: built and traced (errors: job RecurrentStateSpecTest). */
class RecurrentStateSpecTest {
    static final String SPEC = SpecFixtures.ENCODER_DECODER_WITH_STATE;
    private static final TensorType IDS = TensorType.of(DType.I32, 3, 4);

    private static ModelSpec.Graph graph(String yaml) {
        return (ModelSpec.Graph) GraphModelTest.parse(yaml).model();
    }

    private static ModelSpec.Node node(ModelSpec.Graph g, String name) {
        return g.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aGruNodeReadsItsInitialStateFromAnotherNode() {
        ModelSpec.Graph g = graph(SPEC);
        assertEquals(List.of(new ModelSpec.Ref("encoder", 1)), node(g, "decoder").initialState());
        assertEquals(List.of(), node(g, "encoder").initialState());
        List<Tensor> out = Traces.trace(new GraphModule(g), Mode.TRAIN, IDS, IDS);
        assertEquals(Shape.of(3, 4, 7), out.getFirst().shape());
    }

    @Test
    void theStateIsTheEncodersFinalState() {
        // An encoder of 6 units cannot seed a decoder of 5: the trace error shows which tensor arrived.
        GraphModule m = new GraphModule(graph(SPEC.replace("gru: {units: 5}}", "gru: {units: 6}}")));
        var e = assertThrows(IllegalArgumentException.class, () -> Traces.trace(m, Mode.TRAIN, IDS, IDS));
        assertTrue(e.getMessage().contains("GRU 'decoder'") && e.getMessage().contains("initial state h must be "
                + TensorType.of(DType.F32, 3, 5)) && e.getMessage().contains("got " + TensorType.of(DType.F32, 3, 6)),
                e.getMessage());
    }

    @Test
    void anLstmTakesHThenC() {
        String yaml = SPEC.replace("gru: {units: 5}}", "lstm: {units: 5}}")
                .replace("{gru: {units: 5, return_sequences: true}}", "{lstm: {units: 5, return_sequences: true}}")
                .replace("initial_state: [\"encoder:1\"]", "initial_state: [\"encoder:1\", \"encoder:2\"]");
        ModelSpec.Graph g = graph(yaml);
        assertEquals(List.of(new ModelSpec.Ref("encoder", 1), new ModelSpec.Ref("encoder", 2)),
                node(g, "decoder").initialState());
        assertEquals(Shape.of(3, 4, 7), Traces.trace(new GraphModule(g), Mode.TRAIN, IDS, IDS).getFirst().shape());
    }
}
