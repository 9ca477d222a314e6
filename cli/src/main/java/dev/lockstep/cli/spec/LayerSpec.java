package dev.lockstep.cli.spec;

import dev.lockstep.nn.Module;
import java.util.List;
import java.util.function.Supplier;

/**
 * One layer of a spec'd model: its type ({@code dense}), its name in the model tree ({@code dense_0}
 * unless the spec names it), how many inputs it takes, and a factory for the module.
 * {@code outputs} counts what {@link Module#callAll} returns (a GRU: the output and its final state).
 * {@code stateNames} lists the initial state tensors a graph node may seed it with (a GRU: h; an LSTM:
 * h, c; other layers none). The factory makes a fresh module on every call, because a module has
 * exactly one owner.
 */
public record LayerSpec(String type, String name, int minInputs, int maxInputs, int outputs, List<String> stateNames,
                        Supplier<Module> factory) {
    public LayerSpec {
        stateNames = List.copyOf(stateNames);
    }

    /** A layer that takes no initial state. */
    public LayerSpec(String type, String name, int minInputs, int maxInputs, int outputs, Supplier<Module> factory) {
        this(type, name, minInputs, maxInputs, outputs, List.of(), factory);
    }

    public LayerSpec withName(String newName) {
        return new LayerSpec(type, newName, minInputs, maxInputs, outputs, stateNames, factory);
    }

    public Module build() {
        return factory.get();
    }
}
