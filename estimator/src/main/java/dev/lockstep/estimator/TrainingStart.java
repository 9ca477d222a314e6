package dev.lockstep.estimator;

/**
 * Where a replica's training starts: the global step of the checkpoint it resumes (0 for none) and the
 * fingerprint ({@code sha256:...}) of its traced gradient program, which differs when the model, the
 * loss, the optimizer settings or the per-replica input signature differ.
 */
public record TrainingStart(long step, String modelFingerprint) {}
