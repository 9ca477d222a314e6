package dev.lockstep.rulesfixture.cli;

/** Fixture: a command. */
public final class Command {}
