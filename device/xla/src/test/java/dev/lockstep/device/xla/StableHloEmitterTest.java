package dev.lockstep.device.xla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.device.CompileException;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.RandomBits;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.Shape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The emitted text's structure, and the checker that guards it. Semantics are tested through XLA. */
class StableHloEmitterTest {
    private static Graph addDot() {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, 2, 3);
        Tensor w = b.input("w", DType.F32, 3, 4);
        return b.buildTensors(List.of(x.matmul(w), x.add(x)));
    }

    @Test
    void addAndDotLowerToTheirOpsWithTypes() {
        String text = StableHloEmitter.emit(addDot()).text();
        assertTrue(text.contains("func.func public @main(%arg0: tensor<2x3xf32>, %arg1: tensor<3x4xf32>) -> (tensor<2x4xf32>, tensor<2x3xf32>)"), text);
        assertTrue(text.contains("\"stablehlo.dot_general\"(%arg0, %arg1) {dot_dimension_numbers = #stablehlo.dot<"
                + "lhs_batching_dimensions = [], rhs_batching_dimensions = [], lhs_contracting_dimensions = [1], "
                + "rhs_contracting_dimensions = [0]>} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>"), text);
        assertTrue(text.contains("\"stablehlo.add\"(%arg0, %arg0) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>"), text);
        assertTrue(text.contains("\"func.return\"("), text);
    }

    @Test
    void linesRememberTheNodeThatEmittedThem() {
        Graph g = addDot();
        StableHloModule m = StableHloEmitter.emit(g);
        String[] lines = m.text().split("\n");
        for (int i = 1; i <= lines.length; i++) {
            Node n = m.nodeAtLine(i);
            if (lines[i - 1].contains("dot_general")) {
                assertEquals("dot_general", n.kind().stablehlo());
            }
            if (lines[i - 1].contains("func.func")) {
                assertEquals(null, n);
            }
        }
    }

    @Test
    void randomBitsAvoidTheImplementationDefinedGenerator() {
        GraphBuilder b = new GraphBuilder();
        Node r = b.add(new RandomBits(Shape.of(3)), b.input("k", DType.I64).node(), b.input("c", DType.I64).node());
        String text = StableHloEmitter.emit(b.build(r)).text();
        assertFalse(text.contains("rng"), text);
        assertTrue(text.contains("stablehlo.shift_left") && text.contains("tensor<3xui32>"), text);
    }

    @Test
    void literalsAreExactHexBitPatterns() {
        assertEquals("0x7FC00000", Literals.element(DType.F32, Double.NaN));
        assertEquals("0xFF800000", Literals.element(DType.F32, Double.NEGATIVE_INFINITY));
        assertEquals("0x80000000", Literals.element(DType.F32, -0.0));
        assertEquals("0x3DCCCCCD", Literals.element(DType.F32, 0.1), "0.1 rounds to nearest f32");
        assertEquals("0x3FB999999999999A", Literals.element(DType.F64, 0.1));
        assertEquals("0x3DCD", Literals.element(DType.BF16, 0.1), "0x3DCCCCCD rounds up to bf16 0x3DCD");
        assertEquals("0x3C00", Literals.element(DType.F16, 1.0));
        assertEquals("-9007199254740992", Literals.element(DType.I64, -(double) (1L << 53)));
        assertEquals("dense<[[true], [false]]> : tensor<2x1xi1>",
                Literals.dense(dev.lockstep.tensor.TensorType.of(DType.BOOL, 2, 1), new double[] {1, 0}));
    }

    // ---- the checker ----

    private static CompileException reject(String body, String resultType) {
        Graph g = addDot();
        String text = "module @lockstep {\n  func.func public @main(%arg0: tensor<2x3xf32>, %arg1: tensor<3x4xf32>) -> ("
                + resultType + ") {\n" + body + "  }\n}\n";
        List<Node> owners = new java.util.ArrayList<>();
        for (int i = 0; i < text.split("\n").length; i++) {
            owners.add(g.outputs().get(1));
        }
        StableHloModule m = new StableHloModule(g, text, g.inputTypes(), List.of(g.outputTypes().get(1)), owners);
        Map<Node, String> values = new HashMap<>();
        return assertThrows(CompileException.class, () -> ModuleChecker.check(m, values, "test-device"));
    }

    private static final String T = "tensor<2x3xf32>";
    private static final String ADD = "(" + T + ", " + T + ") -> " + T;

    @Test
    void checkerRejectsUseBeforeDefinition() {
        CompileException e = reject("%n5_0 = \"stablehlo.add\"(%arg0, %n5_1) : " + ADD + "\n"
                + "%n5_1 = \"stablehlo.add\"(%arg0, %arg0) : " + ADD + "\n\"func.return\"(%n5_0) : (" + T + ") -> ()\n", T);
        assertTrue(e.getMessage().contains("%n5_1 is used before it is defined"), e.getMessage());
        assertTrue(e.getMessage().contains("test-device") && e.getMessage().contains("add"), e.getMessage());
    }

    @Test
    void checkerRejectsRedefinitionAndOperandTypeMismatch() {
        CompileException twice = reject("%n5_0 = \"stablehlo.add\"(%arg0, %arg0) : " + ADD + "\n"
                + "%n5_0 = \"stablehlo.add\"(%arg0, %arg0) : " + ADD + "\n\"func.return\"(%n5_0) : (" + T + ") -> ()\n", T);
        assertTrue(twice.getMessage().contains("defined twice"), twice.getMessage());
        CompileException type = reject("%n5_0 = \"stablehlo.add\"(%arg0, %arg1) : " + ADD + "\n"
                + "\"func.return\"(%n5_0) : (" + T + ") -> ()\n", T);
        assertTrue(type.getMessage().contains("%arg1 is tensor<3x4xf32> but the signature says tensor<2x3xf32>"), type.getMessage());
    }

    @Test
    void checkerRejectsUnbalancedRegionsAndValuesEscapingThem() {
        String open = "%n5_0 = \"stablehlo.reduce\"(%arg0, %arg0) ({\n^bb0(%n5_1: tensor<f32>, %n5_2: tensor<f32>):\n"
                + "\"stablehlo.return\"(%n5_1) : (tensor<f32>) -> ()\n";
        CompileException unclosed = reject(open + "\"func.return\"(%arg0) : (" + T + ") -> ()\n", T);
        assertTrue(unclosed.getMessage().contains("'}' inside the region op opened at line 3"), unclosed.getMessage());
        CompileException escaped = reject(open + "}) : (" + T + ", " + T + ") -> " + T + "\n"
                + "%n5_3 = \"stablehlo.add\"(%n5_1, %n5_1) : (tensor<f32>, tensor<f32>) -> tensor<f32>\n"
                + "\"func.return\"(%n5_0) : (" + T + ") -> ()\n", T);
        assertTrue(escaped.getMessage().contains("%n5_1 is used before it is defined (or outside its region)"), escaped.getMessage());
    }

    @Test
    void checkerRejectsAReturnThatDiffersFromTheGraphOutputs() {
        CompileException e = reject("\"func.return\"(%arg1) : (tensor<3x4xf32>) -> ()\n", T);
        assertTrue(e.getMessage().contains("return types [tensor<3x4xf32>] differ from the graph's outputs [tensor<2x3xf32>]"),
                e.getMessage());
    }
}
