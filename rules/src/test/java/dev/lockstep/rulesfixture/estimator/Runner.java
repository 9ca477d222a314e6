package dev.lockstep.rulesfixture.estimator;

/** Fixture: an estimator class that wrongly reaches up into the CLI. */
public final class Runner {
    public Object command() {
        return new dev.lockstep.rulesfixture.cli.Command();
    }
}
