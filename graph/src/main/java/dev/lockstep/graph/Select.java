package dev.lockstep.graph;

/** {@code stablehlo.select(pred, onTrue, onFalse)}: pred is bool of the same shape as the branches. */
public record Select() implements Op {}
