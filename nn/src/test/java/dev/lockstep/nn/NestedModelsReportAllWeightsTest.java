package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.tensor.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keras reported the weights of nested models inconsistently; here every subtree reports its own. */
class NestedModelsReportAllWeightsTest {
    static final class Parent extends Module {
        final Sequential big = child("big", Sequential.of("a", new Dense(10), "b", new Dense(10)));
        final Sequential small = child("small", Sequential.of("a", new Dense(5), "b", new Dense(5)));

        @Override
        protected Tensor forward(Scope scope, Tensor... in) {
            return big.call(scope, in).add(small.call(scope, in).sumAll());
        }
    }

    @Test
    void feedForward10And5InsideAParentReport4And4And8Weights() {
        Parent p = new Parent();
        GraphBuilder b = new GraphBuilder();
        p.call(new Scope(b, Mode.TRAIN, p, 1), b.input("x", DType.F32, 2, 3));
        assertEquals(4, p.big.parameters().size());
        assertEquals(4, p.small.parameters().size());
        assertEquals(8, p.parameters().size());
        assertEquals(List.of("big/a/kernel", "big/a/bias", "big/b/kernel", "big/b/bias", "small/a/kernel",
                "small/a/bias", "small/b/kernel", "small/b/bias"), p.parameters().stream().map(VariableSpec::path).toList());
        assertEquals(List.of(3, 10), List.of(p.find("big/a").parameters().getFirst().type().shape().dim(0),
                p.find("big/a").parameters().getFirst().type().shape().dim(1)));
    }
}
