package dev.lockstep.nn;

import dev.lockstep.graph.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Modules applied in order, each under an explicit name (not a position, so inserting a layer does
 * not rename the others' variables).
 */
public final class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    /** Alternating names and modules: {@code Sequential.of("hidden", dense1, "logits", dense2)}. */
    public static Sequential of(Object... namesAndModules) {
        if (namesAndModules.length % 2 != 0) {
            throw new IllegalArgumentException("Sequential.of takes name, module pairs; got " + namesAndModules.length
                    + " arguments");
        }
        Sequential s = new Sequential();
        for (int i = 0; i < namesAndModules.length; i += 2) {
            if (!(namesAndModules[i] instanceof String name) || !(namesAndModules[i + 1] instanceof Module m)) {
                throw new IllegalArgumentException("Sequential.of argument " + i + ": expected a String name then a "
                        + "Module, got " + namesAndModules[i] + ", " + namesAndModules[i + 1]);
            }
            s.add(name, m);
        }
        return s;
    }

    public Sequential add(String name, Module module) {
        layers.add(child(name, module));
        return this;
    }

    @Override
    protected Tensor forward(Scope scope, Tensor... inputs) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("empty Sequential " + describe());
        }
        Tensor h = layers.getFirst().call(scope, inputs);
        for (int i = 1; i < layers.size(); i++) {
            h = layers.get(i).call(scope, h);
        }
        return h;
    }
}
