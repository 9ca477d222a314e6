package dev.lockstep.job;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads {@code model}: exactly one of {@code layers}, {@code graph} or {@code class}. */
final class ModelParser {
    private final Problems problems;
    private final LayerParser layers;
    private final Path baseDir;

    ModelParser(Problems problems, Optional<RegularizerSpec> defaultKernelRegularizer, Path baseDir) {
        this.problems = problems;
        this.layers = new LayerParser(problems, defaultKernelRegularizer);
        this.baseDir = baseDir;
    }

    /** The model; {@code input} of a layer list may be null here and is filled in from the data. */
    Optional<ModelSpec> parse(Fields f) {
        List<String> kinds = new ArrayList<>();
        for (String k : List.of("layers", "graph", "class")) {
            if (f.has(k)) {
                kinds.add(k);
            }
        }
        if (kinds.size() != 1) {
            problems.add(f.path(), kinds.isEmpty() ? "needs one of layers, graph or class"
                    : "has " + String.join(" and ", kinds) + "; give exactly one of layers, graph or class");
            return Optional.empty();
        }
        for (String k : List.of("input", "jar", "labels")) {
            boolean allowed = k.equals("input") ? kinds.getFirst().equals("layers") : kinds.getFirst().equals("class");
            if (f.has(k) && !allowed) {
                problems.add(f.at(k), "only used with model." + (k.equals("input") ? "layers" : "class"));
            }
        }
        return Optional.of(switch (kinds.getFirst()) {
            case "layers" -> sequential(f);
            case "graph" -> graph(f.object("graph", "graph"));
            default -> new ModelSpec.JavaClass(f.get("class", Kind.STRING),
                    f.optional("jar", Kind.STRING).map(j -> baseDir.resolve(j).normalize()), f.strings("labels"));
        });
    }

    private ModelSpec.Layers sequential(Fields f) {
        List<LayerSpec> out = new ArrayList<>();
        Map<String, Integer> perType = new HashMap<>();
        Set<String> names = new HashSet<>();
        List<Fields.Item> items = f.list("layers");
        if (items.isEmpty() && f.raw("layers") instanceof List<?>) {
            problems.add(f.at("layers"), "needs at least one layer");
        }
        for (Fields.Item item : items) {
            String type = typeOf(item.value());
            int index = perType.merge(type, 1, Integer::sum) - 1;
            layers.parse(item.value(), item.path(), index).ifPresent(l -> {
                if (!names.add(l.name())) {
                    problems.add(item.path(), "duplicate layer name '" + l.name() + "'; give the layer a unique name");
                } else if (l.minInputs() > 1) {
                    problems.add(item.path(), l.type() + " takes " + l.minInputs() + " or more inputs; use model.graph");
                }
                out.add(l);
            });
        }
        return new ModelSpec.Layers(f.optional("input", Kind.NAME).orElse(null), out);
    }

    private ModelSpec.Graph graph(Fields g) {
        List<String> inputs = g.strings("inputs");
        if (inputs.isEmpty()) {
            problems.add(g.at("inputs"), "required (the feature names the graph reads)");
        }
        Map<String, Integer> outputsOf = new LinkedHashMap<>(); // name -> number of outputs
        inputs.forEach(i -> outputsOf.put(i, 1));
        Map<String, ModelSpec.Node> nodes = new LinkedHashMap<>();
        Map<String, String> pathOf = new HashMap<>();
        Map<String, Integer> perType = new HashMap<>();
        for (Fields.Item item : g.list("nodes")) {
            Fields n = Fields.of(item.value(), item.path(), "graph_node", problems);
            String name = n.get("name", Kind.NAME);
            Object rawLayer = n.raw("layer");
            int index = perType.merge(typeOf(rawLayer), 1, Integer::sum) - 1;
            Optional<LayerSpec> layer = rawLayer == null ? Optional.empty()
                    : layers.parse(rawLayer, n.at("layer"), index);
            if (rawLayer == null) {
                problems.add(n.at("layer"), "required (a layer such as {dense: {units: 8}})");
            }
            List<ModelSpec.Ref> refs = refs(n, "inputs");
            List<ModelSpec.Ref> state = n.has("initial_state") ? refs(n, "initial_state") : List.of();
            if (outputsOf.containsKey(name) || nodes.containsKey(name)) {
                problems.add(n.at("name"), "'" + name + "' is already " + (nodes.containsKey(name) ? "a node" : "an input"));
                continue;
            }
            layer.ifPresent(l -> {
                if (refs.size() < l.minInputs() || refs.size() > l.maxInputs()) {
                    problems.add(n.at("inputs"), l.type() + " takes " + arity(l) + ", got " + refs.size());
                }
                if (n.has("initial_state")) {
                    checkStateCount(l, state.size(), n.at("initial_state"));
                }
                nodes.put(name, new ModelSpec.Node(name, l.withName(name), refs, state));
                pathOf.put(name, n.path());
                outputsOf.put(name, l.outputs());
            });
        }
        List<ModelSpec.Ref> outputs = new ArrayList<>();
        List<String> rawOutputs = g.strings("outputs");
        if (rawOutputs.isEmpty()) {
            problems.add(g.at("outputs"), "required (the node whose output feeds the head, then any others)");
        }
        for (int i = 0; i < rawOutputs.size(); i++) {
            ModelSpec.Ref r = ref(rawOutputs.get(i), g.at("outputs") + "[" + i + "]");
            checkRef(r, g.at("outputs") + "[" + i + "]", outputsOf);
            outputs.add(r);
        }
        for (ModelSpec.Node node : nodes.values()) {
            for (int i = 0; i < node.inputs().size(); i++) {
                checkRef(node.inputs().get(i), pathOf.get(node.name()) + ".inputs[" + i + "]", outputsOf);
            }
            for (int i = 0; i < node.initialState().size(); i++) {
                checkRef(node.initialState().get(i), pathOf.get(node.name()) + ".initial_state[" + i + "]", outputsOf);
            }
        }
        List<ModelSpec.Node> ordered = GraphOrder.sort(nodes, pathOf, problems);
        return new ModelSpec.Graph(inputs, ordered, outputs);
    }

    /** {@code key}'s references: one name or a list of them, as {@code inputs} is written. */
    private List<ModelSpec.Ref> refs(Fields n, String key) {
        List<ModelSpec.Ref> refs = new ArrayList<>();
        List<String> raw = n.strings(key);
        for (int i = 0; i < raw.size(); i++) {
            refs.add(ref(raw.get(i), n.at(key) + "[" + i + "]"));
        }
        return refs;
    }

    private void checkStateCount(LayerSpec l, int given, String path) {
        List<String> names = l.stateNames();
        if (names.isEmpty()) {
            problems.add(path, l.type() + " takes no initial state (gru and lstm do)");
        } else if (given != names.size()) {
            String example = names.size() == 1 ? "[encoder:1]" : "[encoder:1, encoder:2]";
            problems.add(path, l.type() + " takes " + names.size() + " initial state reference"
                    + (names.size() == 1 ? "" : "s") + " " + names + ", e.g. " + example
                    + " for the final state of node 'encoder'; got " + given);
        }
    }

    private void checkRef(ModelSpec.Ref r, String path, Map<String, Integer> outputsOf) {
        Integer count = outputsOf.get(r.source());
        if (count == null) {
            problems.add(path, "unknown reference '" + r.source() + "'"
                    + Problems.hint(r.source(), outputsOf.keySet(), "inputs and nodes"));
        } else if (r.output() >= count) {
            problems.add(path, "'" + r.source() + "' has " + count + (count == 1 ? " output" : " outputs")
                    + " (0.." + (count - 1) + "), not " + r.output());
        }
    }

    private ModelSpec.Ref ref(String s, String path) {
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            return new ModelSpec.Ref(s, 0);
        }
        try {
            int k = Integer.parseInt(s.substring(colon + 1));
            if (k >= 0) {
                return new ModelSpec.Ref(s.substring(0, colon), k);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(path, "expected a node name, optionally with an output index (enc or enc:1), got \"" + s + "\"");
        return new ModelSpec.Ref(s.substring(0, colon), 0);
    }

    private static String arity(LayerSpec l) {
        return l.maxInputs() == Integer.MAX_VALUE ? l.minInputs() + " or more inputs"
                : l.minInputs() == l.maxInputs() ? l.minInputs() + (l.minInputs() == 1 ? " input" : " inputs")
                : l.minInputs() + " to " + l.maxInputs() + " inputs";
    }

    /** The layer type of a raw layer entry, for default names (unknown types are reported by the parser). */
    private static String typeOf(Object raw) {
        if (raw instanceof String s) {
            return s;
        }
        return raw instanceof Map<?, ?> m && m.size() == 1 ? String.valueOf(m.keySet().iterator().next()) : "?";
    }
}
