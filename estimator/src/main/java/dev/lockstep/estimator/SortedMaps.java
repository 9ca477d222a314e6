package dev.lockstep.estimator;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Immutable copies in name order. Program outputs are built by iterating these maps (predictions, metric
 * sums); Map.copyOf iterates in an order salted per JVM, so identical runs exported different modules.
 */
final class SortedMaps {
    private SortedMaps() {}

    /** Like {@link Map#copyOf}: no null keys or values; but iterated in key order. */
    static <V> SortedMap<String, V> copyOf(Map<String, V> map) {
        TreeMap<String, V> sorted = new TreeMap<>();
        map.forEach((k, v) -> sorted.put(Objects.requireNonNull(k, "name"), Objects.requireNonNull(v, () -> "value of " + k)));
        return Collections.unmodifiableSortedMap(sorted);
    }
}
