package dev.lockstep.estimator;

import dev.lockstep.device.Buffer;
import dev.lockstep.nn.StepLayout;
import dev.lockstep.tensor.HostTensor;
import java.util.List;
import java.util.Map;

/**
 * Step 3 of the training step (DESIGN.md): sums the reduce payload element-wise over every replica,
 * in place. {@code payload} holds one device buffer per entry of {@link StepLayout#payload()}, in that
 * order: loss sum, gradients, layer state, example count and replica count (1 on each replica). After
 * the call every replica's buffers hold the same sums, computed in an order that depends only on the
 * layout and the world size (invariant 5), never on arrival order. The apply program then divides
 * gradients by the summed example count and state by the summed replica count.
 *
 * <p>Implementations must fail with the rank and the operation rather than wait forever (invariant 6).
 */
@FunctionalInterface
public interface GradientReducer {
    /** One process: the local sums are the global ones. */
    GradientReducer IDENTITY = (layout, payload) -> { };

    void reduce(StepLayout layout, List<Buffer> payload);

    /**
     * Before the first step, on every replica at once: the values to start from, which must be the
     * chief's (rank 0's) on every replica, bitwise: the checkpoint it resumed, or the initial values it
     * made. A replica never trains from values it initialised on its own. {@code values} holds every
     * variable and slot by key, in the same order on every replica. One process returns them unchanged.
     */
    default Map<String, HostTensor> startFromChief(Map<String, HostTensor> values) {
        return values;
    }
}
