package dev.lockstep.job;

/** One gradient transform, applied (in the listed order) to the reduced gradient before the optimizer. */
public sealed interface TransformSpec {
    record ClipGlobalNorm(double clipNorm) implements TransformSpec {}

    record ClipValue(double limit) implements TransformSpec {}

    record ClipNorm(double clipNorm) implements TransformSpec {}

    record Scale(double factor) implements TransformSpec {}
}
