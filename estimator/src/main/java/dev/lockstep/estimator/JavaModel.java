package dev.lockstep.estimator;

import dev.lockstep.nn.Module;

/**
 * A model written in Java and named in a job spec ({@code model: {class: com.example.MyModel, jar:
 * model.jar}}). The class needs a public no-argument constructor. {@link #model} is called once, then
 * {@link #modelFn}, which must call that tree's modules and compute the loss itself (the spec's
 * {@code head} is not used with a class model).
 */
public interface JavaModel {
    /** The model tree whose variables are trained and checkpointed. */
    Module model();

    /** The model function over the modules of {@link #model()}'s tree. */
    ModelFn modelFn();
}
