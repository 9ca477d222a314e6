package dev.lockstep.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphBuilderTest {
    @Test
    void duplicateParameterNameIsRejected() {
        GraphBuilder b = new GraphBuilder();
        b.input("encoder/kernel", DType.F32, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> b.input("encoder/kernel", DType.F32, 2));
        assertTrue(e.getMessage().contains("encoder/kernel"), e.getMessage());
    }

    @Test
    void buildDropsDeadNodesButKeepsEveryParameter() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 3);
        Tensor unused = b.input("unused", DType.F32, 3);
        x.exp(); // dead
        Graph g = b.buildTensors(List.of(x.mul(2.0)));
        assertEquals(2, g.parameters().size());
        assertTrue(g.nodes().stream().noneMatch(n -> n.op() instanceof UnaryOp.Exp));
        assertTrue(g.nodes().contains(unused.node()));
    }

    @Test
    void lastUseMarksOutputsAsLiveToTheEnd() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 3);
        Tensor y = x.exp();
        Tensor z = y.add(x);
        Graph g = b.buildTensors(List.of(z, y));
        int[] last = g.lastUse();
        assertEquals(Integer.MAX_VALUE, last[y.node().id()]);
        assertEquals(g.nodes().indexOf(z.node()), last[x.node().id()]);
    }

    @Test
    void verifierNamesNodeWhoseRecordedTypeIsWrong() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 3);
        Node bad = new Node(b, 1, new UnaryOp.Exp(), List.of(x.node()), TensorType.of(DType.F32, 4), "Test.java:1");
        Graph g = new Graph(List.of(x.node(), bad), List.of(x.node()), List.of(bad));
        var e = assertThrows(IllegalArgumentException.class, () -> Verifier.verify(g));
        assertTrue(e.getMessage().contains("exponential") && e.getMessage().contains("f32[3]")
                && e.getMessage().contains("Test.java:1"), e.getMessage());
    }

    @Test
    void constantRejectsValuesItsDTypeCannotHold() {
        assertThrows(IllegalArgumentException.class,
                () -> new LeafOp.Constant(TensorType.of(DType.I32), new double[] {0.5}));
        assertThrows(IllegalArgumentException.class,
                () -> new LeafOp.Constant(TensorType.of(DType.BOOL), new double[] {2}));
        assertThrows(IllegalArgumentException.class,
                () -> new LeafOp.Constant(TensorType.of(DType.F32, 3), new double[] {1, 2}));
    }

    @Test
    void broadcastingFollowsNumPyAndNamesBothShapes() {
        GraphBuilder b = new GraphBuilder();
        Tensor a = b.input("a", DType.F32, 4, 1, 3);
        Tensor c = b.input("c", DType.F32, 5, 1);
        assertEquals(Shape.of(4, 5, 3), a.add(c).shape());
        Tensor d = b.input("d", DType.F32, 2, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> a.add(d));
        assertTrue(e.getMessage().contains("[4, 1, 3]") && e.getMessage().contains("[2, 4]"), e.getMessage());
    }

    @Test
    void everyOpKindHasAStableHloName() {
        for (OpKind k : OpKind.values()) {
            assertTrue(!k.stablehlo().isEmpty());
        }
        assertEquals("stablehlo.dot_general", DotGeneral.matmul().stablehloName());
    }
}
