package dev.lockstep.job;

/** A learning-rate schedule, as data. */
public sealed interface ScheduleSpec {
    record Constant(double value) implements ScheduleSpec {}

    /** initial * factor^floor(step / every). */
    record StepDecay(double initial, double factor, long every) implements ScheduleSpec {}

    /** initial * rate^(step / decaySteps). */
    record Exponential(double initial, double rate, long decaySteps) implements ScheduleSpec {}

    /** Cosine decay from initial to initial * alpha over decaySteps. */
    record Cosine(double initial, long decaySteps, double alpha) implements ScheduleSpec {}

    /** Linear warm-up over {@code steps}, then {@code after}. */
    record Warmup(long steps, ScheduleSpec after) implements ScheduleSpec {}
}
