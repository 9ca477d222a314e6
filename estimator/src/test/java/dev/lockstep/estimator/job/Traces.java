package dev.lockstep.estimator.job;

import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.job.SpecFixtures;
import dev.lockstep.nn.Mode;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Scope;
import dev.lockstep.tensor.TensorType;
import java.util.List;
import org.yaml.snakeyaml.Yaml;

/** Test helpers: trace a module on graph inputs of given types; load a YAML snippet; a good spec. */
final class Traces {
    private Traces() {}

    static final String GOOD = SpecFixtures.GOOD;

    static List<Tensor> trace(Module m, Mode mode, TensorType... inputs) {
        GraphBuilder b = new GraphBuilder();
        Scope scope = new Scope(b, mode, m, 1);
        Tensor[] in = new Tensor[inputs.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = b.wrap(b.parameter("input" + i, inputs[i]));
        }
        return m.callAll(scope, in);
    }

    static Object yaml(String text) {
        return new Yaml().load(text);
    }
}
