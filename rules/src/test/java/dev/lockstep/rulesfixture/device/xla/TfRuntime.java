package dev.lockstep.rulesfixture.device.xla;

/** Stands for xla-cpu's runtime, which the PJRT device must not use. */
public final class TfRuntime {}
