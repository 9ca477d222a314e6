package dev.lockstep.rulesfixture.tensor;

/** Fixture: a tensor type that wrongly depends upward on the graph. */
public final class Values {
    public dev.lockstep.rulesfixture.graph.Node node() {
        return new dev.lockstep.rulesfixture.graph.Node();
    }
}
