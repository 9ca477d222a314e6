package dev.lockstep.job;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One of several variants, written as a single-key mapping ({@code {dense: {units: 8}}}, {@code {l1: 0.01}})
 * or, for a variant that needs no settings, just its name ({@code flatten}).
 *
 * @param variant the key; @param value its value (a mapping, a scalar or null); @param path the variant's path
 */
record Choice(String variant, Object value, String path) {
    static Optional<Choice> read(Object raw, String path, String def, Problems problems) {
        List<String> variants = Keys.of(def);
        if (raw instanceof String s) {
            if (variants.contains(s)) {
                return Optional.of(new Choice(s, null, join(path, s)));
            }
            problems.add(path, "unknown " + def + " \"" + s + "\"" + hint(def, s, variants));
            return Optional.empty();
        }
        if (!(raw instanceof Map<?, ?> m) || m.size() != 1 || !(m.keySet().iterator().next() instanceof String key)) {
            problems.expected(path, "a mapping with exactly one of " + String.join(", ", variants), raw);
            return Optional.empty();
        }
        if (!variants.contains(key)) {
            problems.add(join(path, key), "unknown " + def + hint(def, key, variants));
            return Optional.empty();
        }
        return Optional.of(new Choice(key, m.get(key), join(path, key)));
    }

    /** The variant's settings as a mapping of definition {@code def}. */
    Fields fields(String def, Problems problems) {
        return Fields.of(value, path, def, problems);
    }

    /** The variant's value as one scalar ({@code clip_value: 0.5}). */
    <T> T scalar(Kind<T> kind, Problems problems) {
        T t = value == null ? null : kind.convert().apply(value);
        if (t == null) {
            problems.expected(path, kind.expected(), value);
            return kind.placeholder();
        }
        return t;
    }

    /**
     * The closest variant, except for {@code l2}: edit distance picks {@code l1}, but the user meant one of
     * the two L2 conventions, which differ by a factor of 2, so both are named with what they add.
     */
    private static String hint(String def, String key, List<String> variants) {
        if (def.equals("regularizer") && key.strip().equalsIgnoreCase("l2")) {
            return "; L2 has two conventions, so name one: 'l2_sum_of_squares' (adds lambda * sum(w^2), Keras' l2) "
                    + "or 'l2_half_sum_of_squares' (adds lambda / 2 * sum(w^2), tf.nn.l2_loss)";
        }
        return Problems.hint(key, variants, "valid");
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
