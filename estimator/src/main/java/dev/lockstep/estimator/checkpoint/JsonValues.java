package dev.lockstep.estimator.checkpoint;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Immutable copies of JSON-friendly values (null, String, Boolean, Long, Double, List, Map with String
 * keys). Numbers are widened to Long/Double so a manifest equals itself after a JSON round trip.
 */
final class JsonValues {
    private JsonValues() {
    }

    /** A deep immutable copy of {@code map}; {@code where} names it in errors (e.g. {@code data_cursors}). */
    static Map<String, Object> object(Map<String, ?> map, String where) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : map.entrySet()) {
            if (e.getKey() == null) {
                throw new IllegalArgumentException(where + " has a null key; JSON object keys are strings");
            }
            out.put(e.getKey(), value(e.getValue(), where + "." + e.getKey()));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object value(Object v, String where) {
        return switch (v) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Long l -> l;
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case BigInteger b -> b.bitLength() < 64 ? (Object) b.longValue() : b;
            case Double d -> finite(d, where);
            case Float f -> finite(f.doubleValue(), where);
            case BigDecimal d -> finite(d.doubleValue(), where);
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!(e.getKey() instanceof String k)) {
                        throw new IllegalArgumentException(where + " has key " + e.getKey()
                                + "; JSON object keys must be strings");
                    }
                    out.put(k, value(e.getValue(), where + "." + k));
                }
                yield Collections.unmodifiableMap(out);
            }
            case List<?> l -> {
                List<Object> out = new ArrayList<>(l.size());
                for (int i = 0; i < l.size(); i++) {
                    out.add(value(l.get(i), where + "[" + i + "]"));
                }
                yield Collections.unmodifiableList(out);
            }
            default -> throw new IllegalArgumentException(where + " is a " + v.getClass().getName()
                    + "; manifest values must be JSON values (null, String, Boolean, integer, double, List, Map)");
        };
    }

    private static Double finite(double d, String where) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException(where + " is " + d + ", which JSON cannot represent");
        }
        return d;
    }
}
