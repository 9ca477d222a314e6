package dev.lockstep.cli.spec;

import dev.lockstep.nn.Module;
import java.util.function.Supplier;

/**
 * One layer of a spec'd model: its type ({@code dense}), its name in the model tree ({@code dense_0}
 * unless the spec names it), how many inputs it takes, and a factory for the module. The factory
 * {@code outputs} counts what {@link Module#callAll} returns (a GRU: the output and its final state).
 * The factory makes a fresh module on every call, because a module has exactly one owner.
 */
public record LayerSpec(String type, String name, int minInputs, int maxInputs, int outputs, Supplier<Module> factory) {
    public Module build() {
        return factory.get();
    }
}
