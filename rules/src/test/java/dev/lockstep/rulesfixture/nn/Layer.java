package dev.lockstep.rulesfixture.nn;

/** Fixture: a model-library class that depends only downward, on the graph. */
public final class Layer {
    public dev.lockstep.rulesfixture.graph.Node trace() {
        return new dev.lockstep.rulesfixture.graph.Node();
    }
}
