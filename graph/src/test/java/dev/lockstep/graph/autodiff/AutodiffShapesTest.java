package dev.lockstep.graph.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.OpKind;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.DType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every rule yields, for every floating input, a cotangent of exactly the input's type, and the
 * forward plus backward graph passes the verifier. (Values are checked against central
 * differences by the conformance gradient-check suite in device/api.)
 */
class AutodiffShapesTest {

    static Stream<Arguments> cases() {
        return Stream.of(DType.F32, DType.F64, DType.BF16)
                .flatMap(f -> OpCases.all(f).stream().map(c -> Arguments.of(f, c.name(), c)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void gradientTypesEqualInputTypes(DType f, String name, OpCases.Case c) {
        GraphBuilder b = new GraphBuilder();
        Tensor y = c.body().apply(b);
        Tensor loss = y.cast(f).sumAll();
        List<Tensor> wrt = b.parameters().stream().filter(p -> p.dtype().isFloating()).map(b::wrap).toList();
        List<Tensor> grads = Autodiff.grad(loss, wrt);
        assertEquals(wrt.size(), grads.size());
        for (int i = 0; i < wrt.size(); i++) {
            assertEquals(wrt.get(i).type(), grads.get(i).type(), name + ": gradient of input " + i);
        }
        List<Tensor> outs = new ArrayList<>(grads);
        outs.add(loss);
        Graph g = b.buildTensors(outs);
        assertEquals(b.parameters().size(), g.parameters().size());
    }

    @Test
    void casesCoverEveryDifferentiableOp() {
        EnumSet<OpKind> seen = EnumSet.noneOf(OpKind.class);
        for (OpCases.Case c : OpCases.all(DType.F32)) {
            GraphBuilder b = new GraphBuilder();
            Graph g = b.buildTensors(List.of(c.body().apply(b)));
            g.nodes().stream().map(Node::kind).forEach(seen::add);
        }
        for (OpKind k : OpKind.values()) {
            assertTrue(!k.differentiable() || seen.contains(k), "no autodiff case exercises " + k);
        }
    }
}
