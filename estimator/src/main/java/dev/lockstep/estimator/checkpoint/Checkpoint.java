package dev.lockstep.estimator.checkpoint;

import dev.lockstep.nn.TrainStep;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A training state: the manifest plus every tensor by path: parameters and layer state under their
 * module paths ({@code encoder/gru/kernel}), optimizer slots under {@code slot/<path>/<slot>} (the names
 * {@code TrainStep.slotName} gives them). Never by rank or position, so any world size can load it.
 */
public record Checkpoint(Manifest manifest, SortedMap<String, HostTensor> tensors) {
    /** Prefix of optimizer slot names, as {@link TrainStep#slotName} writes them. */
    public static final String SLOT_PREFIX = TrainStep.SLOT_PREFIX;

    public Checkpoint {
        Objects.requireNonNull(manifest, "manifest");
        TreeMap<String, HostTensor> copy = new TreeMap<>();
        tensors.forEach((path, t) -> {
            checkPath(path);
            copy.put(path, Objects.requireNonNull(t, () -> "tensor " + path));
        });
        tensors = Collections.unmodifiableSortedMap(copy);
    }

    public static Checkpoint of(Manifest manifest, Map<String, HostTensor> tensors) {
        return new Checkpoint(manifest, new TreeMap<>(tensors));
    }

    private static void checkPath(String path) {
        Objects.requireNonNull(path, "tensor path");
        if (path.isEmpty() || path.startsWith("/") || path.endsWith("/") || path.contains("//")
                || path.equals(SafeTensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException("tensor path '" + path
                    + "' must be non-empty '/'-separated names (like encoder/gru/kernel)");
        }
    }

    /** The tensor at {@code path}; the error lists what the checkpoint holds near that path. */
    public HostTensor tensor(String path) {
        HostTensor t = tensors.get(path);
        if (t == null) {
            throw new IllegalArgumentException("checkpoint of step " + manifest.step() + " has no tensor '" + path
                    + "'; it holds " + summary());
        }
        return t;
    }

    /** The same checkpoint without optimizer slots, e.g. to fine-tune with a fresh optimizer. */
    public Checkpoint withoutSlots() {
        TreeMap<String, HostTensor> kept = new TreeMap<>(tensors);
        kept.keySet().removeIf(p -> p.startsWith(SLOT_PREFIX));
        return new Checkpoint(manifest, kept);
    }

    /**
     * The tensors under module path {@code prefix} (the path itself or anything below it, plus their
     * optimizer slots), renamed to live under {@code remapTo} instead. An empty {@code remapTo} lifts the
     * subtree to the root; an empty {@code prefix} selects everything. Fails if nothing matches.
     */
    public Checkpoint subtree(String prefix, String remapTo) {
        String from = trimSlashes(Objects.requireNonNull(prefix, "prefix"));
        String to = trimSlashes(Objects.requireNonNull(remapTo, "remapTo"));
        TreeMap<String, HostTensor> out = new TreeMap<>();
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            String path = e.getKey();
            boolean slot = path.startsWith(SLOT_PREFIX);
            String rest = slot ? path.substring(SLOT_PREFIX.length()) : path;
            String renamed = rename(rest, from, to);
            if (renamed != null) {
                out.put(slot ? SLOT_PREFIX + renamed : renamed, e.getValue());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("checkpoint of step " + manifest.step() + " has no tensor under '"
                    + prefix + "'; it holds " + summary());
        }
        return new Checkpoint(manifest, out);
    }

    private static String rename(String path, String from, String to) {
        String rest;
        if (from.isEmpty()) {
            rest = path;
        } else if (path.equals(from)) {
            rest = "";
        } else if (path.startsWith(from + "/")) {
            rest = path.substring(from.length() + 1);
        } else {
            return null;
        }
        if (to.isEmpty()) {
            // Lifting a lone variable to the root would leave it without a name.
            return rest.isEmpty() ? from.substring(from.lastIndexOf('/') + 1) : rest;
        }
        return rest.isEmpty() ? to : to + "/" + rest;
    }

    private static String trimSlashes(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && s.charAt(b) == '/') {
            b++;
        }
        while (e > b && s.charAt(e - 1) == '/') {
            e--;
        }
        return s.substring(b, e);
    }

    /**
     * Checks that this checkpoint holds exactly the expected tensors with the expected types, listing
     * every missing, unexpected and mistyped path (not just the first), so a changed model is obvious.
     */
    public void requireTypes(Map<String, TensorType> expected) {
        requireTypes(expected, null);
    }

    /** As {@link #requireTypes(Map)}, naming {@code dir} (where the checkpoint was read; may be null). */
    public void requireTypes(Map<String, TensorType> expected, java.nio.file.Path dir) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, TensorType> e : new TreeMap<>(expected).entrySet()) {
            HostTensor t = tensors.get(e.getKey());
            if (t == null) {
                problems.add("missing " + e.getKey() + " (" + e.getValue() + ")");
            } else if (!t.type().equals(e.getValue())) {
                problems.add(e.getKey() + " is " + t.type() + " in the checkpoint but " + e.getValue()
                        + " in the model");
            }
        }
        for (String p : tensors.keySet()) {
            if (!expected.containsKey(p)) {
                problems.add("unexpected " + p + " (" + tensors.get(p).type() + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new CheckpointMismatchException(dir == null ? null : dir.getParent(), "checkpoint of step "
                    + manifest.step() + (dir == null ? "" : " in " + dir) + " does not match the model: "
                    + String.join("; ", problems), problems);
        }
    }

    /** Top-level names with tensor counts, short enough for an error message. */
    private String summary() {
        TreeMap<String, Integer> counts = new TreeMap<>();
        for (String p : tensors.keySet()) {
            String rest = p.startsWith(SLOT_PREFIX) ? p.substring(SLOT_PREFIX.length()) : p;
            int slash = rest.indexOf('/');
            String top = (p.startsWith(SLOT_PREFIX) ? SLOT_PREFIX : "") + (slash < 0 ? rest : rest.substring(0, slash));
            counts.merge(top, 1, Integer::sum);
        }
        return tensors.size() + " tensors " + new TreeSet<>(counts.entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue() + ")").toList());
    }
}
