package dev.lockstep.nn;

import dev.lockstep.graph.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/** An immutable map from parameter path to gradient tensor (invariant 1: paths, not positions). */
public final class Gradients {
    private final Map<String, Tensor> byPath;

    public Gradients(Map<String, Tensor> byPath) {
        this.byPath = Collections.unmodifiableMap(new LinkedHashMap<>(byPath));
    }

    /** The gradient of {@code path}; fails naming the known paths when absent. */
    public Tensor get(String path) {
        Tensor t = byPath.get(path);
        if (t == null) {
            throw new IllegalArgumentException("no gradient for '" + path + "'; gradients exist for " + byPath.keySet());
        }
        return t;
    }

    public Set<String> paths() {
        return byPath.keySet();
    }

    public Map<String, Tensor> asMap() {
        return byPath;
    }

    /** A new Gradients with {@code fn(path, gradient)} applied to every entry. */
    public Gradients map(BiFunction<String, Tensor, Tensor> fn) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        byPath.forEach((p, g) -> out.put(p, fn.apply(p, g)));
        return new Gradients(out);
    }

    /** Elementwise sum with {@code other}, which must have the same paths. */
    public Gradients plus(Gradients other) {
        if (!other.paths().equals(paths())) {
            throw new IllegalArgumentException("cannot add gradients over different paths: " + paths() + " vs "
                    + other.paths());
        }
        return map((p, g) -> g.add(other.get(p)));
    }

    /** sqrt(sum over all tensors of sum(g^2)): the true global norm, across every parameter. */
    public Tensor globalNorm() {
        Tensor total = null;
        for (Tensor g : byPath.values()) {
            Tensor s = g.square().sumAll();
            total = total == null ? s : total.add(s);
        }
        if (total == null) {
            throw new IllegalStateException("global norm of an empty gradient map");
        }
        return total.sqrt();
    }
}
