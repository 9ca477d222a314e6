package dev.lockstep.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Kubernetes objects as plain maps and lists: read from the manifests packaged with the CLI, merged the way
 * kustomize merges a strategic-merge patch (maps key by key; lists of named items, such as containers and
 * env, item by name, the patch's items first; any other list replaced), and written back as YAML documents.
 */
final class Yamls {
    private Yamls() {}

    /** The document of classpath resource {@code path} (a file of deploy/k8s). */
    static Map<String, Object> resource(String path) {
        try (InputStream in = Yamls.class.getResourceAsStream("/lockstep/k8s/" + path)) {
            if (in == null) {
                throw new IllegalStateException("deploy/k8s/" + path + " is not packaged with this build of lockstep");
            }
            return map(new Yaml(new SafeConstructor(new LoaderOptions())).load(new String(in.readAllBytes(),
                    StandardCharsets.UTF_8)), "deploy/k8s/" + path);
        } catch (IOException e) {
            throw new UncheckedIOException("reading deploy/k8s/" + path + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String where) {
        if (!(o instanceof Map)) {
            throw new IllegalStateException(where + ": expected a mapping, found " + (o == null ? "nothing" : o.getClass().getSimpleName()));
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o, String where) {
        if (!(o instanceof List)) {
            throw new IllegalStateException(where + ": expected a list, found " + (o == null ? "nothing" : o.getClass().getSimpleName()));
        }
        return (List<Object>) o;
    }

    /** The mapping at {@code path} (keys separated by '/') under {@code root}. */
    static Map<String, Object> at(Map<String, Object> root, String path) {
        Map<String, Object> m = root;
        for (String key : path.split("/")) {
            m = map(m.get(key), path);
        }
        return m;
    }

    /** {@code patch} merged into {@code base} (neither is changed) as kustomize merges a strategic-merge patch. */
    static Object merge(Object base, Object patch) {
        if (base instanceof Map<?, ?> b && patch instanceof Map<?, ?> p) {
            Map<String, Object> out = copy(map(b, "base"));
            p.forEach((k, v) -> out.put((String) k, out.containsKey(k) ? merge(out.get(k), v) : copyOf(v)));
            return out;
        }
        if (base instanceof List<?> b && patch instanceof List<?> p && named(b) && named(p)) {
            // kustomize's order: the patch's items (merged with the base's of the same name), then the rest
            List<Object> rest = new ArrayList<>();
            b.forEach(item -> rest.add(copyOf(item)));
            List<Object> out = new ArrayList<>();
            for (Object item : p) {
                int i = indexOf(rest, ((Map<?, ?>) item).get("name"));
                out.add(i >= 0 ? merge(rest.remove(i), item) : copyOf(item));
            }
            out.addAll(rest);
            return out;
        }
        return copyOf(patch);
    }

    private static boolean named(List<?> items) {
        return !items.isEmpty() && items.stream().allMatch(i -> i instanceof Map<?, ?> m && m.get("name") instanceof String);
    }

    /** The index of the item named {@code name} in a list of named mappings, or -1. */
    static int indexOf(List<Object> items, Object name) {
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) instanceof Map<?, ?> m && Objects.equals(m.get("name"), name)) {
                return i;
            }
        }
        return -1;
    }

    /** The item named {@code name} of the list at {@code where}. */
    static Map<String, Object> named(Object items, String name, String where) {
        List<Object> l = list(items, where);
        int i = indexOf(l, name);
        if (i < 0) {
            throw new IllegalStateException(where + ": no item named " + name);
        }
        return map(l.get(i), where + "[" + name + "]");
    }

    static Map<String, Object> copy(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, copyOf(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    static Object copyOf(Object o) {
        if (o instanceof Map<?, ?> m) {
            return copy((Map<String, Object>) m);
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(copyOf(x)));
            return out;
        }
        return o;
    }

    /** The objects as a stream of YAML documents, multi-line strings (the embedded spec) as literal blocks. */
    static String dump(List<Map<String, Object>> objects) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setWidth(120);
        options.setExplicitStart(true);
        Representer representer = new Representer(options) {
            {
                org.yaml.snakeyaml.representer.Represent plain = this.representers.get(String.class);
                this.representers.put(String.class, data -> ((String) data).contains("\n")
                        ? representScalar(Tag.STR, (String) data, DumperOptions.ScalarStyle.LITERAL)
                        : plain.representData(data));
            }
        };
        return new Yaml(representer, options).dumpAll(objects.iterator());
    }
}
