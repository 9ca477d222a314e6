package dev.lockstep.job;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Problems collected while reading one spec; reading goes on after a problem so all are reported at once. */
final class Problems {
    private final List<String> list = new ArrayList<>();
    /** Paths of keys present in the spec that no parser has looked at yet (see {@link #checkAllRead}). */
    private final java.util.Set<String> unread = new java.util.LinkedHashSet<>();

    void present(String path) {
        unread.add(path);
    }

    void read(String path) {
        unread.remove(path);
    }

    /**
     * A key that is accepted but never read would be silently ignored: a parser bug, so it fails loudly
     * rather than being reported as the user's problem.
     */
    void checkAllRead() {
        if (!unread.isEmpty()) {
            throw new IllegalStateException("job spec parser bug: keys accepted but never read: " + unread);
        }
    }

    void add(String path, String problem) {
        list.add((path.isEmpty() ? "(top level)" : path) + ": " + problem);
    }

    void expected(String path, String expected, Object got) {
        add(path, "expected " + expected + ", got " + describe(got));
    }

    /** An unknown key, with the closest valid key when one is close, else the valid keys. */
    void unknownKey(String path, String key, Collection<String> valid) {
        String where = path.isEmpty() ? key : path + "." + key;
        add(where, "unknown key" + hint(key, valid, "valid keys"));
    }

    /** " (did you mean 'units'?)" or "; valid keys: a, b" for an unknown name among {@code valid}. */
    static String hint(String name, Collection<String> valid, String what) {
        Optional<String> close = Suggest.closest(name, valid);
        return close.map(c -> "; did you mean '" + c + "'?").orElse("; " + what + ": " + String.join(", ", valid));
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    List<String> all() {
        return List.copyOf(list);
    }

    void throwIfAny(String source) {
        if (!list.isEmpty()) {
            throw new SpecException(source, list);
        }
    }

    /** A YAML value as the user wrote it: strings quoted, collections abbreviated. */
    static String describe(Object v) {
        String s = switch (v) {
            case null -> "nothing (null)";
            case String str -> "\"" + str + "\"";
            case Map<?, ?> m -> "a mapping " + m;
            case List<?> l -> "a list " + l;
            default -> v.toString();
        };
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
