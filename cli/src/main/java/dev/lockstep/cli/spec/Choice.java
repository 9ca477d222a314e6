package dev.lockstep.cli.spec;

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
            problems.add(path, "unknown " + def + " \"" + s + "\"" + Problems.hint(s, variants, "valid"));
            return Optional.empty();
        }
        if (!(raw instanceof Map<?, ?> m) || m.size() != 1 || !(m.keySet().iterator().next() instanceof String key)) {
            problems.expected(path, "a mapping with exactly one of " + String.join(", ", variants), raw);
            return Optional.empty();
        }
        if (!variants.contains(key)) {
            problems.add(join(path, key), "unknown " + def + Problems.hint(key, variants, "valid"));
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

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
