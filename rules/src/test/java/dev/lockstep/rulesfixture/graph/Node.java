package dev.lockstep.rulesfixture.graph;

/** Fixture: a graph class with no dependencies. */
public final class Node {}
