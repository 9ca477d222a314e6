package dev.lockstep.estimator.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CheckpointTest {
    private static final HostTensor K = HostTensor.ofFloats(new float[] {1, 2}, 2);
    private static final HostTensor B = HostTensor.ofFloats(new float[] {3}, 1);
    private static final HostTensor M = HostTensor.ofFloats(new float[] {4, 5}, 2);
    private static final HostTensor O = HostTensor.ofFloats(new float[] {6}, 1);

    static Checkpoint sample() {
        return Checkpoint.of(Manifest.of(9, 1, "g", 1, "v"), Map.of(
                "encoder/gru/kernel", K,
                "encoder/gru/bias", B,
                "slot/encoder/gru/kernel/adam_m", M,
                "encoder2/kernel", O,  // shares a string prefix with "encoder" but is another module
                "head/kernel", O));
    }

    @Test
    void subtreeSelectsByModulePathIncludingSlots() {
        Checkpoint sub = sample().subtree("encoder", "encoder");
        assertEquals(Set.of("encoder/gru/kernel", "encoder/gru/bias", "slot/encoder/gru/kernel/adam_m"),
                sub.tensors().keySet());
        assertSame(K, sub.tensor("encoder/gru/kernel"));
    }

    @Test
    void subtreeRemapsToAnotherPrefix() {
        Checkpoint sub = sample().subtree("encoder/gru/", "/decoder/rnn");
        assertEquals(Set.of("decoder/rnn/kernel", "decoder/rnn/bias", "slot/decoder/rnn/kernel/adam_m"),
                sub.tensors().keySet());
        assertSame(M, sub.tensor("slot/decoder/rnn/kernel/adam_m"));
    }

    @Test
    void subtreeLiftedToTheRoot() {
        assertEquals(Set.of("gru/kernel", "gru/bias", "slot/gru/kernel/adam_m"),
                sample().subtree("encoder", "").tensors().keySet());
        // A single variable selected by its full path keeps its own name at the root.
        assertEquals(Set.of("kernel"), sample().subtree("head/kernel", "").tensors().keySet());
        assertEquals(Set.of("pretrained/head/kernel", "pretrained/encoder2/kernel", "pretrained/encoder/gru/kernel",
                "pretrained/encoder/gru/bias", "slot/pretrained/encoder/gru/kernel/adam_m"),
                sample().subtree("", "pretrained").tensors().keySet());
    }

    @Test
    void subtreeWithNoMatchSaysWhatTheCheckpointHolds() {
        var e = assertThrows(IllegalArgumentException.class, () -> sample().subtree("decoder", "x"));
        assertTrue(e.getMessage().contains("no tensor under 'decoder'"), e.getMessage());
        assertTrue(e.getMessage().contains("encoder (2)"), e.getMessage());
        assertTrue(e.getMessage().contains("slot/encoder (1)"), e.getMessage());
    }

    @Test
    void withoutSlotsDropsOptimizerState() {
        assertEquals(Set.of("encoder/gru/kernel", "encoder/gru/bias", "encoder2/kernel", "head/kernel"),
                sample().withoutSlots().tensors().keySet());
    }

    @Test
    void requireTypesListsEveryProblem() {
        TensorType f2 = TensorType.of(DType.F32, 2);
        TensorType f1 = TensorType.of(DType.F32, 1);
        Map<String, TensorType> model = Map.of(
                "encoder/gru/kernel", f2,
                "encoder/gru/bias", TensorType.of(DType.BF16, 1),
                "slot/encoder/gru/kernel/adam_m", f2,
                "encoder2/kernel", f1,
                "decoder/kernel", f1);
        var e = assertThrows(IllegalArgumentException.class, () -> sample().requireTypes(model));
        for (String s : List.of("missing decoder/kernel", "encoder/gru/bias is " + f1 + " in the checkpoint but "
                + TensorType.of(DType.BF16, 1) + " in the model", "unexpected head/kernel")) {
            assertTrue(e.getMessage().contains(s), s + " missing from " + e.getMessage());
        }
        Map<String, TensorType> exact = new java.util.HashMap<>(model);
        exact.remove("decoder/kernel");
        exact.put("encoder/gru/bias", f1);
        exact.put("head/kernel", f1);
        sample().requireTypes(exact);
    }

    @Test
    void malformedPathsAreRefused() {
        for (String bad : List.of("", "/a", "a/", "a//b", "__metadata__")) {
            assertThrows(IllegalArgumentException.class, () -> Checkpoint.of(Manifest.of(1, 1, "g", 1, "v"),
                    Map.of(bad, K)), bad);
        }
    }
}
