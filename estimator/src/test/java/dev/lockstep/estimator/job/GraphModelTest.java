package dev.lockstep.estimator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.graph.Tensor;
import dev.lockstep.job.JobSpec;
import dev.lockstep.job.ModelSpec;
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

    /** An encoder-decoder fed source and target_in, with its nodes deliberately out of order. */
    static final String SEQ2SEQ = """
            model:
              graph:
                inputs: [source, target_in]
                nodes:
                  - {name: logits, layer: {dense: {units: 7}}, inputs: [decoder]}
                  - {name: decoder, layer: {gru: {units: 5, return_sequences: true}}, inputs: [joined]}
                  - {name: joined, layer: {concatenate: {axis: -1}}, inputs: [tgt, context]}
                  - {name: context, layer: {repeat_vector: {times: 4}}, inputs: ["encoder:1"]}
                  - {name: encoder, layer: {gru: {units: 5}}, inputs: [src]}
                  - {name: src, layer: {embedding: {vocabulary: 7, dim: 3}}, inputs: [source]}
                  - {name: tgt, layer: {embedding: {vocabulary: 7, dim: 3}}, inputs: [target_in]}
                  - {name: both, layer: add, inputs: [encoder, "encoder:1"]}
                outputs: [logits, both]
            head: {sequence: {vocabulary: 7}}
            train:
              data: {synthetic: {sequence_copy: {count: 16, length: 4, vocabulary: 7}}}
              batch_size: 4
              steps: 2
            checkpoints: {dir: runs/g}
            """;

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
