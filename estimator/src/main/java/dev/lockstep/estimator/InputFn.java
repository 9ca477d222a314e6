package dev.lockstep.estimator;

import dev.lockstep.data.Dataset;

/**
 * An input function: the description of a pipeline of batches. It is called again to resume, so it
 * must describe the same pipeline every time (the data cursor is checked against it).
 */
@FunctionalInterface
public interface InputFn {
    Dataset<Batch> dataset();
}
