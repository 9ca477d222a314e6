package dev.lockstep.estimator;

import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.nn.Sequential;
import dev.lockstep.nn.layers.Activation;
import dev.lockstep.nn.layers.Dense;
import java.nio.file.Path;
import java.time.Duration;

/** A small regression estimator on the reference device, for tests of the loop's bookkeeping. */
final class SmallRegression {
    private SmallRegression() {}

    /**
     * Its input is {@link ResumeFingerprintTest#input}: 32 examples in batches of 8, repeated, so 4 steps
     * per epoch. Checkpoints every 5 steps, keeps 10.
     */
    static Builder builder(Path dir) {
        Sequential model = Sequential.of("hidden", new Dense(4, Activation.Fn.TANH), "out", new Dense(1));
        Head head = new Head.Regression();
        ModelFn fn = (scope, f, l, mode) -> head.apply(model.call(scope, f.get("x")), l.get("y"), mode);
        RunConfig run = RunConfig.of(dir, 7).withCheckpoints(5, Duration.ZERO, 10);
        return Estimator.builder(model, fn, run).device(new ReferenceDevice());
    }

    static InputFn input() {
        return ResumeFingerprintTest.input(8);
    }
}
