package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lockstep.tensor.DType;
import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.layers.Dropout;
import dev.lockstep.tensor.HostTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dropout masks are a pure function of seed, layer path, step and global example index (invariant 4). */
class DropoutMaskTest {
    private static double[] run(Mode mode, long seed, long step, long offset, int batch) {
        Sequential model = Sequential.of("drop", new Dropout(0.5));
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, batch, 16);
        Tensor y = model.call(new Scope(b, mode, model, seed), x);
        var graph = b.buildTensors(List.of(y));
        var device = new ReferenceDevice();
        List<dev.lockstep.device.Buffer> in = new ArrayList<>();
        for (Node p : graph.parameters()) {
            String name = ((LeafOp.Parameter) p.op()).name();
            float[] ones = new float[batch * 16];
            Arrays.fill(ones, 1f);
            in.add(device.upload(switch (name) {
                case "x" -> HostTensor.ofFloats(ones, batch, 16);
                case Scope.STEP -> HostTensor.ofLongs(new long[] {step});
                case Scope.EXAMPLE_OFFSET -> HostTensor.ofLongs(new long[] {offset});
                default -> throw new IllegalStateException(name);
            }));
        }
        return device.compile(graph).execute(in).getFirst().toHost().toDoubles();
    }

    @Test
    void maskFollowsTheGlobalExampleIndexNotThePositionInTheBatch() {
        double[] whole = run(Mode.TRAIN, 3, 10, 0, 4);
        double[] secondHalf = run(Mode.TRAIN, 3, 10, 2, 2);
        assertArrayEquals(Arrays.copyOfRange(whole, 32, 64), secondHalf, 0.0);
        long kept = Arrays.stream(whole).filter(v -> v != 0).count();
        assertEquals(true, kept > 16 && kept < 48, "about half of 64 kept, got " + kept);
        assertEquals(true, Arrays.stream(whole).allMatch(v -> v == 0 || v == 2.0), "kept units are scaled by 2");
    }

    @Test
    void maskChangesWithStepAndSeedAndVanishesInEvaluation() {
        double[] a = run(Mode.TRAIN, 3, 10, 0, 4);
        assertArrayEquals(a, run(Mode.TRAIN, 3, 10, 0, 4), 0.0);
        assertFalse(Arrays.equals(a, run(Mode.TRAIN, 3, 11, 0, 4)));
        assertFalse(Arrays.equals(a, run(Mode.TRAIN, 4, 10, 0, 4)));
        double[] eval = run(Mode.EVAL, 3, 10, 0, 4);
        assertEquals(true, Arrays.stream(eval).allMatch(v -> v == 1.0));
    }
}
