package dev.lockstep.estimator;

import dev.lockstep.tensor.HostTensor;
import java.util.Map;

/**
 * The gradients of one batch's mean data loss (sum of per-example losses / examples, without
 * regularization or gradient transforms), by parameter path, with that loss and the example count.
 */
public record BatchGradients(double loss, Map<String, HostTensor> gradients, long examples) {
    public BatchGradients {
        gradients = Map.copyOf(gradients);
    }

    /** The gradient of the parameter at {@code path}; the error lists the paths there are. */
    public HostTensor gradient(String path) {
        HostTensor g = gradients.get(path);
        if (g == null) {
            throw new IllegalArgumentException("no gradient for '" + path + "'; parameters: "
                    + new java.util.TreeSet<>(gradients.keySet()));
        }
        return g;
    }
}
