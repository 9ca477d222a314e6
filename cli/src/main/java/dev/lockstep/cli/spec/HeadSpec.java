package dev.lockstep.cli.spec;

import dev.lockstep.estimator.Head;

/** A canned head and the label it reads ({@code labelPath}: where the spec names it, for errors). */
public record HeadSpec(Head head, String label, String labelPath) {}
