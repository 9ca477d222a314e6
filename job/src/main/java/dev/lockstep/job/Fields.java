package dev.lockstep.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A YAML mapping at a field path (such as {@code model.layers[2].dense}), read by a parser that
 * declares which definition of {@link Keys} it follows. Unknown keys are reported at construction,
 * with the closest valid key; every read names the full path of the field in its problem.
 */
final class Fields {
    private final Map<String, Object> values;
    private final String path;
    private final List<String> allowed;
    private final Problems problems;

    private Fields(Map<String, Object> values, String path, List<String> allowed, Problems problems) {
        this.values = values;
        this.path = path;
        this.allowed = allowed;
        this.problems = problems;
    }

    /** Reads {@code value} as a mapping of definition {@code def}; null reads as an empty mapping. */
    static Fields of(Object value, String path, String def, Problems problems) {
        List<String> allowed = Keys.of(def);
        Map<String, Object> m = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> raw) {
            raw.forEach((k, v) -> {
                if (!(k instanceof String key)) {
                    problems.add(path, "keys must be strings, got " + Problems.describe(k));
                } else if (!allowed.contains(key)) {
                    problems.unknownKey(path, key, allowed);
                } else {
                    m.put(key, v);
                    problems.present(path.isEmpty() ? key : path + "." + key);
                }
            });
        } else if (value != null) {
            problems.expected(path, "a mapping with keys " + String.join(", ", allowed), value);
        }
        return new Fields(m, path, allowed, problems);
    }

    String path() {
        return path;
    }

    Problems problems() {
        return problems;
    }

    /** The path of {@code key} under this mapping. */
    String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        check(key);
        return values.get(key) != null;
    }

    Object raw(String key) {
        check(key);
        return values.get(key);
    }

    /** A required value; when missing or malformed, a problem is recorded and the placeholder returned. */
    <T> T get(String key, Kind<T> kind) {
        if (!has(key)) {
            problems.add(at(key), "required (" + kind.expected() + ")");
            return kind.placeholder();
        }
        return convert(key, kind).orElse(kind.placeholder());
    }

    /** An optional value with a default. */
    <T> T get(String key, Kind<T> kind, T fallback) {
        return has(key) ? convert(key, kind).orElse(fallback) : fallback;
    }

    /** An optional value without a default. */
    <T> Optional<T> optional(String key, Kind<T> kind) {
        return has(key) ? convert(key, kind) : Optional.empty();
    }

    private <T> Optional<T> convert(String key, Kind<T> kind) {
        Object v = values.get(key);
        T t = kind.convert().apply(v);
        if (t == null) {
            String near = "";
            if (v instanceof String s && kind.expected().startsWith("one of ")) {
                List<String> names = List.of(kind.expected().substring(7).split(", "));
                near = Suggest.closest(s, names).map(c -> " (did you mean '" + c + "'?)").orElse("");
            }
            problems.add(at(key), "expected " + kind.expected() + ", got " + Problems.describe(v) + near);
            return Optional.empty();
        }
        return Optional.of(t);
    }

    /** A nested mapping of definition {@code def} (empty when absent). */
    Fields object(String key, String def) {
        return Fields.of(raw(key), at(key), def, problems);
    }

    /** The elements of a list with their paths ({@code key[i]}); absent is empty, a scalar is a problem. */
    List<Item> list(String key) {
        Object v = raw(key);
        List<Item> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                out.add(new Item(l.get(i), at(key) + "[" + i + "]"));
            }
        } else if (v != null) {
            problems.expected(at(key), "a list", v);
        }
        return out;
    }

    /** A list of strings, or one string standing for a one-element list. */
    List<String> strings(String key) {
        if (raw(key) instanceof String s) {
            return List.of(s);
        }
        List<String> out = new ArrayList<>();
        for (Item item : list(key)) {
            if (item.value() instanceof String s && !s.isBlank()) {
                out.add(s);
            } else {
                problems.expected(item.path(), "a string", item.value());
            }
        }
        return out;
    }

    /** A choice (single-key mapping) under {@code key}, or empty when the key is absent. */
    Optional<Choice> choice(String key, String def) {
        return has(key) ? Choice.read(raw(key), at(key), def, problems) : Optional.empty();
    }

    /** Fails loudly when a parser reads a key its definition does not list (a parser bug, not a user error). */
    private void check(String key) {
        if (!allowed.contains(key)) {
            throw new IllegalStateException("parser reads '" + key + "' at " + path + " but Keys does not list it");
        }
        problems.read(at(key));
    }

    /** One element of a YAML list and its path. */
    record Item(Object value, String path) {}
}
