package dev.lockstep.rulesfixture.device.xla;

/** Stands for device/xla's emitter, which the PJRT device may use. */
public final class StableHloEmitter {}
