package dev.lockstep.estimator;

import dev.lockstep.device.Buffer;
import dev.lockstep.nn.StepLayout;
import java.util.List;

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
     * What the gradient program's own all-reduces ({@code batch_norm: sync}) sum over: the same
     * replicas, called from inside the program while it runs. One process: a single replica.
     */
    default dev.lockstep.device.Replicas replicas() {
        return dev.lockstep.device.Replicas.SINGLE;
    }

    /**
     * Starts the same sum over a payload whose entries become final one at a time, while the gradient
     * program still runs: the runner calls {@link Pending#ready} for each entry once its buffer holds
     * the local value (from the device's output listener), then {@link Pending#finish}, or
     * {@link Pending#abandon} when the step fails. A reducer may start summing a bucket as soon as its
     * entries are ready (overlap with the backward pass); the sums must be exactly those of
     * {@link #reduce}. The default waits for {@code finish} and reduces then.
     */
    default Pending begin(StepLayout layout, List<Buffer> payload) {
        return new Pending() {
            @Override
            public void ready(int entry) { }

            @Override
            public void finish() {
                reduce(layout, payload);
            }

            @Override
            public void abandon(RuntimeException cause) { }
        };
    }

    /** A reduce in progress; see {@link #begin}. */
    interface Pending {
        /** Payload entry {@code entry} holds its local value and will not change before {@link #finish}. */
        void ready(int entry);

        /**
         * Every entry is ready: returns when every payload buffer holds the global sums. Fails, with the
         * rank and operation, as {@link #reduce} does.
         */
        void finish();

        /** The step failed before every entry was ready: stop, and make the peers fail too rather than wait. */
        void abandon(RuntimeException cause);
    }

    /**
     * Before the first step of a world, on every replica at once: the training state to start from,
     * which must be the chief's (rank 0's) on every replica, bitwise: the checkpoint it resumed or the
     * initial values it made, and its step and data position (a replica that joins a running job, or
     * that had not applied the step its peers applied when a worker died, takes them). A replica never
     * trains from values it initialised on its own. {@code state.values()} holds every variable and slot
     * by key, in the same order on every replica. One process returns it unchanged.
     */
    default TrainingState startFromChief(TrainingState state) {
        return state;
    }
}
