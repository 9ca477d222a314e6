package dev.lockstep.rulesfixture.coordinator;

/** Fixture: a coordinator class that wrongly needs graph code. */
public final class Jobs {
    public Object plan() {
        return new dev.lockstep.rulesfixture.graph.Node();
    }
}
