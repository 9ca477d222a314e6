package dev.lockstep.device.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Signature;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.TensorType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The buffer checks every executable makes before a run, each error naming the buffer at fault. */
class SignatureTest {
    private static final ReferenceDevice DEVICE = new ReferenceDevice();
    private static final TensorType F32_2 = TensorType.of(DType.F32, 2);

    /** x, y -> (x + y, x * y). */
    private static Graph graph() {
        GraphBuilder g = new GraphBuilder();
        Tensor x = g.input("x", DType.F32, 2), y = g.input("y", DType.F32, 2);
        return g.buildTensors(List.of(x.add(y), x.mul(y)));
    }

    private static String error(List<Buffer> in, List<Buffer> out) {
        return assertThrows(IllegalArgumentException.class, () -> Signature.check(graph(), in, out)).getMessage();
    }

    @Test
    void acceptsBuffersOfTheGraphsTypes() {
        Signature.check(graph(), List.of(DEVICE.allocate(F32_2), DEVICE.allocate(F32_2)),
                List.of(DEVICE.allocate(F32_2), DEVICE.allocate(F32_2)));
    }

    @Test
    void countsTypesAndAliasesAreErrorsNamingTheBuffer() {
        Buffer a = DEVICE.allocate(F32_2), b = DEVICE.allocate(F32_2), c = DEVICE.allocate(F32_2);
        Buffer wide = DEVICE.allocate(TensorType.of(DType.F32, 3));
        assertEquals("graph takes 2 inputs, got 1", error(List.of(a), List.of(b, c)));
        assertEquals("graph has 2 outputs, got 1 buffers", error(List.of(a, b), List.of(c)));
        assertEquals("input 1 'y' has type f32[3], expected f32[2]", error(List.of(a, wide), List.of(b, c)));
        assertEquals("output 0 has type f32[3], expected f32[2]", error(List.of(a, b), List.of(wide, c)));
        String alias = "aliases an input or another output; outputs must be distinct buffers";
        assertEquals("output 1 " + alias, error(List.of(a, b), List.of(c, a)));
        assertEquals("output 1 " + alias, error(List.of(a, b), List.of(c, c)));
    }
}
