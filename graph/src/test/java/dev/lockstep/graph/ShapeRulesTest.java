package dev.lockstep.graph;

import dev.lockstep.tensor.DType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.TensorType;
import org.junit.jupiter.api.Test;

class ShapeRulesTest {
    @Test
    void matmulBroadcastAndReduceInferShapes() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 8, 784);
        Tensor w = b.input("w", DType.F32, 784, 10);
        Tensor bias = b.input("b", DType.F32, 10);
        Tensor y = x.matmul(w).add(bias).relu();
        assertEquals(TensorType.of(DType.F32, 8, 10), y.type());
        assertEquals(TensorType.of(DType.F32, 8), y.sum(1).type());
        Graph g = b.buildTensors(java.util.List.of(y.sumAll()));
        assertEquals(3, g.parameters().size());
    }

    @Test
    void matmulMismatchNamesOpShapesAndCallerLine() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 8, 784);
        Tensor w = b.input("w", DType.F32, 783, 10);
        var e = assertThrows(IllegalArgumentException.class, () -> x.matmul(w));
        assertTrue(e.getMessage().contains("dot_general"), e.getMessage());
        assertTrue(e.getMessage().contains("f32[8, 784]"), e.getMessage());
        assertTrue(e.getMessage().contains("f32[783, 10]"), e.getMessage());
        assertTrue(e.getMessage().contains("ShapeRulesTest.java:"), e.getMessage());
    }

    @Test
    void gatherTakeAndConvolutionShapes() {
        GraphBuilder b = new GraphBuilder();
        Tensor table = b.input("table", DType.F32, 100, 16);
        Tensor ids = b.input("ids", DType.I32, 4, 7);
        assertEquals(TensorType.of(DType.F32, 4, 7, 16), table.take(ids).type());
        Tensor img = b.input("img", DType.F32, 2, 28, 28, 1);
        Tensor k = b.input("k", DType.F32, 3, 3, 1, 8);
        Convolution c = new Convolution(new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {1, 1}, 1);
        assertEquals(TensorType.of(DType.F32, 2, 14, 14, 8), img.conv(k, c).type());
    }

    @Test
    void verifierRejectsOperandsFromAnotherGraph() {
        GraphBuilder a = new GraphBuilder(), b = new GraphBuilder();
        Tensor x = a.input("x", DType.F32, 2);
        Tensor y = b.input("y", DType.F32, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> y.add(x));
        assertTrue(e.getMessage().contains("another graph"), e.getMessage());
    }
}
