package dev.lockstep.rulesfixture.device.pjrt;

import dev.lockstep.rulesfixture.device.xla.StableHloEmitter;
import dev.lockstep.rulesfixture.device.xla.TfRuntime;

/** Breaks the PJRT rule on purpose: uses xla-cpu's runtime (the emitter is allowed). */
public final class Binding {
    StableHloEmitter emitter;
    TfRuntime runtime;
}
