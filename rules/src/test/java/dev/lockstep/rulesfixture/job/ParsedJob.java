package dev.lockstep.rulesfixture.job;

/** Fixture: a job record that wrongly holds a model-library object (the mistake the job module fixed). */
public record ParsedJob(dev.lockstep.rulesfixture.nn.Layer layer) {}
