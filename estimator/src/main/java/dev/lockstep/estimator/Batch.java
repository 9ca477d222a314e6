package dev.lockstep.estimator;

import dev.lockstep.tensor.HostTensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** One batch of named features and labels (a multi-input model simply has several features). */
public record Batch(Map<String, HostTensor> features, Map<String, HostTensor> labels) {
    public Batch {
        // Sorted by name, never Map.copyOf: its iteration order is unspecified and changes between JVMs,
        // and the traced programs take their inputs in this order, so two workers traced different graphs.
        features = SortedMaps.copyOf(features);
        labels = SortedMaps.copyOf(labels);
        if (features.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one feature");
        }
    }

    /** Splits a map of named tensors: names in {@code labelNames} are labels, the rest features. */
    public static Batch split(Map<String, HostTensor> tensors, Set<String> labelNames) {
        Map<String, HostTensor> f = new LinkedHashMap<>(), l = new LinkedHashMap<>();
        for (String name : labelNames) {
            if (!tensors.containsKey(name)) {
                throw new IllegalArgumentException("label '" + name + "' is not in the batch; it has " + tensors.keySet());
            }
        }
        tensors.forEach((k, v) -> (labelNames.contains(k) ? l : f).put(k, v));
        return new Batch(f, l);
    }

    /** The examples in this batch (the first dimension of its first feature). */
    public int size() {
        HostTensor t = features.values().iterator().next();
        return t.shape().rank() == 0 ? 1 : t.shape().dim(0);
    }

    /** Examples {@code [from, to)} of this batch, copied (a micro-batch of a replica's share). */
    public Batch rows(int from, int to) {
        if (from < 0 || to > size() || from >= to) {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") of a batch of " + size());
        }
        Map<String, HostTensor> f = new LinkedHashMap<>(), l = new LinkedHashMap<>();
        features.forEach((k, v) -> f.put(k, rowsOf(v, from, to)));
        labels.forEach((k, v) -> l.put(k, rowsOf(v, from, to)));
        return new Batch(f, l);
    }

    private static HostTensor rowsOf(HostTensor t, int from, int to) {
        int[] dims = t.shape().dims().clone();
        int row = t.size() / dims[0];
        Object src = t.array();
        Object dst = java.lang.reflect.Array.newInstance(src.getClass().getComponentType(), (to - from) * row);
        System.arraycopy(src, from * row, dst, 0, (to - from) * row);
        dims[0] = to - from;
        return HostTensor.wrap(t.type().withShape(dev.lockstep.tensor.Shape.of(dims)), dst);
    }

    /** Names prefixed as the traced programs expect: "features/x", "labels/y". */
    Map<String, HostTensor> programInputs() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        features.forEach((k, v) -> out.put("features/" + k, v));
        labels.forEach((k, v) -> out.put("labels/" + k, v));
        return out;
    }
}
