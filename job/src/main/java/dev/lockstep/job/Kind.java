package dev.lockstep.job;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How to read one scalar YAML value: what is expected (for the error message), a conversion that
 * returns null when the value does not fit, and a placeholder that lets reading continue after a
 * problem (the spec is rejected anyway, but later problems are still found).
 */
record Kind<T>(String expected, Function<Object, T> convert, T placeholder) {
    static final Kind<Integer> POSITIVE_INT = integer("a positive integer", v -> v > 0, 1);
    static final Kind<Integer> NON_NEGATIVE_INT = integer("an integer >= 0", v -> v >= 0, 0);
    static final Kind<Integer> INT = integer("an integer", v -> true, 0);
    static final Kind<Long> POSITIVE_LONG = longInt("a positive integer", v -> v > 0, 1L);
    static final Kind<Long> NON_NEGATIVE_LONG = longInt("an integer >= 0", v -> v >= 0, 0L);
    static final Kind<Long> LONG = longInt("an integer", v -> true, 0L);
    static final Kind<Double> NUMBER = number("a number", v -> true, 1.0);
    static final Kind<Double> POSITIVE = number("a number > 0", v -> v > 0, 1.0);
    static final Kind<Double> NON_NEGATIVE = number("a number >= 0", v -> v >= 0, 0.0);
    static final Kind<Double> UNIT_INTERVAL = number("a number in [0, 1)", v -> v >= 0 && v < 1, 0.5);
    static final Kind<Boolean> BOOL = new Kind<>("true or false", v -> v instanceof Boolean b ? b : null, false);
    static final Kind<String> STRING = new Kind<>("a string",
            v -> v instanceof String s && !s.isBlank() ? s : null, "?");
    /** A name usable as a module or feature name: no '/', no surrounding spaces. */
    static final Kind<String> NAME = new Kind<>("a name (non-empty, without '/' or surrounding spaces)",
            v -> v instanceof String s && !s.isEmpty() && !s.contains("/") && s.equals(s.strip()) ? s : null, "?");

    private static Kind<Integer> integer(String expected, java.util.function.IntPredicate ok, int placeholder) {
        return new Kind<>(expected, v -> {
            Long l = exactLong(v);
            return l != null && l == l.intValue() && ok.test(l.intValue()) ? l.intValue() : null;
        }, placeholder);
    }

    private static Kind<Long> longInt(String expected, java.util.function.LongPredicate ok, long placeholder) {
        return new Kind<>(expected, v -> {
            Long l = exactLong(v);
            return l != null && ok.test(l) ? l : null;
        }, placeholder);
    }

    private static Kind<Double> number(String expected, java.util.function.DoublePredicate ok, double placeholder) {
        return new Kind<>(expected, v -> {
            Double d = switch (v) {
                case Number n -> n.doubleValue();
                // YAML 1.1 reads "1e-4" (no dot) as a string; accept any string Java reads as a number.
                case String s when s.strip().matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?") -> Double.valueOf(s);
                default -> null;
            };
            return d != null && Double.isFinite(d) && ok.test(d) ? d : null;
        }, placeholder);
    }

    private static Long exactLong(Object v) {
        return switch (v) {
            case Integer i -> (long) i;
            case Long l -> l;
            case java.math.BigInteger b when b.bitLength() < 64 -> b.longValue();
            default -> null;
        };
    }

    /** One of the named values (case-sensitive), with a "did you mean" for a near miss. */
    static <E> Kind<E> oneOf(Map<String, E> values) {
        List<String> names = List.copyOf(values.keySet());
        return new Kind<>("one of " + String.join(", ", names), v -> v instanceof String s ? values.get(s) : null,
                values.values().iterator().next());
    }
}
