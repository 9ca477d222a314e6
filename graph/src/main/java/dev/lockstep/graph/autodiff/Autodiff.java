package dev.lockstep.graph.autodiff;

import dev.lockstep.graph.Tensor;
import java.util.List;

/**
 * Reverse-mode automatic differentiation that writes the backward pass as new nodes in the same
 * graph builder, so the backward graph lowers to StableHLO like the forward one.
 */
public final class Autodiff {
    private Autodiff() {}

    /** The result of {@link #gradients}: one gradient per requested input, and those unreachable. */
    public record Gradients(List<Tensor> values, List<String> unreachable) {}

    /**
     * Gradients of scalar floating-point {@code loss} with respect to each of {@code wrt} (in order,
     * each shaped like its input). Throws {@link IllegalArgumentException} naming every input with no
     * differentiable path from the loss.
     */
    public static List<Tensor> grad(Tensor loss, List<Tensor> wrt) {
        Gradients g = gradients(loss, wrt);
        if (!g.unreachable().isEmpty()) {
            throw new IllegalArgumentException("no gradient path from the loss to: " + String.join(", ", g.unreachable()));
        }
        return g.values();
    }

    /** Like {@link #grad} but unreachable inputs get zero gradients and are listed by name. */
    public static Gradients gradients(Tensor loss, List<Tensor> wrt) {
        throw new UnsupportedOperationException("autodiff not implemented yet");
    }
}
