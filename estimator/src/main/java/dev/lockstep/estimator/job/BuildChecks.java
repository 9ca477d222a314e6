package dev.lockstep.estimator.job;

import dev.lockstep.data.Dataset;
import dev.lockstep.data.DatasetIterator;
import dev.lockstep.estimator.ModelFn;
import dev.lockstep.job.HeadSpec;
import dev.lockstep.job.JobSpec;
import dev.lockstep.job.LayerSpec;
import dev.lockstep.job.ModelSpec;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Optimizer;
import dev.lockstep.nn.VariableSpec;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a built job would fail at once training starts, found while building, so {@code validate} and
 * {@code train} refuse the same specs with the same messages: a batch larger than the data, logits that
 * do not match the head, and shapes (traced, not allocated) too large for one tensor or for memory.
 * Every problem is a spec field path and a message.
 */
final class BuildChecks {
    private BuildChecks() {}

    /** The most elements one host tensor holds: values live in one Java array. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /**
     * The most examples an evaluation over the whole input ({@code eval.steps: 0}) may read: far above any
     * real evaluation set (ImageNet's has 50,000), far below a synthetic source meant to be endless, whose
     * whole-input evaluation would run for days without a word.
     */
    static final long MAX_WHOLE_EVAL_EXAMPLES = 100_000_000L;

    /** What {@link #problems} checks against. */
    record Limits(long heapBytes, boolean deviceUsesHeapLimit) {
        /** This JVM's: ND4J's off-heap limit (javacpp maxbytes) defaults to the maximum heap too. */
        static Limits ofThisJvm(String device) {
            return new Limits(Runtime.getRuntime().maxMemory(), device.equals("cpu"));
        }
    }

    static List<String> problems(JobSpec spec, Module model, ModelFn fn, Dataset<Map<String, HostTensor>> train,
            Set<String> labels, Optimizer optimizer, Limits limits) {
        List<String> problems = new ArrayList<>();
        spec.eval().ifPresent(e -> {
            long n = e.data().size().orElse(0);
            if (e.steps() == 0 && n > MAX_WHOLE_EVAL_EXAMPLES) {
                problems.add(String.format(Locale.ROOT, "eval.steps: 0 (the default) evaluates the whole eval.data at "
                        + "every evaluation, here %d examples (%d batches of %d), more than the %d a whole-input "
                        + "evaluation may read; set eval.steps to the number of batches to evaluate, or make the eval "
                        + "data smaller", n, (n + e.batchSize() - 1) / e.batchSize(), e.batchSize(),
                        MAX_WHOLE_EVAL_EXAMPLES));
            }
        });
        JobSpec.Train t = spec.train();
        long perStep = (long) t.batchSize() * spec.microBatches();
        Map<String, TensorType> example = new LinkedHashMap<>();
        long available = 0;
        try (DatasetIterator<Map<String, HostTensor>> it = train.iterator()) {
            // reads at most one step's examples: enough to know the types and whether a full batch exists
            while (available < perStep && it.hasNext()) {
                Map<String, HostTensor> e = it.next();
                if (available++ == 0) {
                    e.forEach((k, v) -> example.put(k, v.type()));
                }
            }
        } catch (RuntimeException e) {
            problems.add("train.data: " + e.getMessage());
            return problems;
        }
        if (available == 0) {
            problems.add("train.data: no examples");
            return problems;
        }
        if (available < perStep && t.epochs().isEmpty()) { // with epochs, JobBuilder reports the empty epoch
            problems.add(String.format(Locale.ROOT, "train.batch_size: a step takes %d examples (batch_size %d x %d "
                    + "micro-batch(es)) but train.data has only %d; lower train.batch_size to at most %d",
                    perStep, t.batchSize(), spec.microBatches(), available, available / spec.microBatches()));
        }
        String logits = logitsMismatch(spec);
        if (logits != null) {
            problems.add(logits);
            return problems; // the trace would only fail on the same mismatch
        }
        Footprint f;
        try {
            f = Footprint.trace(model, fn, example, labels, t.batchSize(), spec.seed());
        } catch (RuntimeException e) {
            problems.add(modelPath(spec) + ": " + e.getMessage());
            return problems;
        }
        FieldPaths paths = new FieldPaths(spec);
        int before = problems.size();
        for (VariableSpec v : f.variables().values()) {
            if (v.type().shape().size() > MAX_ELEMENTS) {
                problems.add(String.format(Locale.ROOT, "%s: %s would be %s, %d elements; one tensor holds at most %d "
                        + "(a Java array); make the layer smaller", paths.of(v.path()), v.path(), v.type(),
                        v.type().shape().size(), MAX_ELEMENTS));
            }
        }
        f.inputs().forEach((name, type) -> {
            if (type.shape().size() > MAX_ELEMENTS) {
                problems.add(String.format(Locale.ROOT, "train.batch_size: %d examples make the batch tensor '%s' %s, "
                        + "%d elements; one tensor holds at most %d (a Java array); lower train.batch_size",
                        t.batchSize(), name, type, type.shape().size(), MAX_ELEMENTS));
            }
        });
        if (problems.size() == before) {
            memory(f, optimizer, limits, paths, t.batchSize(), problems);
        }
        return problems;
    }

    /** Host: the initial values of variables and slots, all held at once; device: one step's resident set. */
    private static void memory(Footprint f, Optimizer optimizer, Limits limits, FieldPaths paths, int batch,
            List<String> problems) {
        int slots = optimizer.slotNames().size();
        long variables = 0, slotBytes = 0, initial = 0, inputs = 0;
        VariableSpec largest = null;
        for (VariableSpec v : f.variables().values()) {
            long n = v.type().shape().size(), bytes = n * v.type().dtype().byteSize();
            long copies = v.trainable() ? 1 + slots : 1;
            variables = Footprint.saturatedAdd(variables, bytes);
            slotBytes = v.trainable() ? Footprint.saturatedAdd(slotBytes, slots * bytes) : slotBytes;
            initial = Footprint.saturatedAdd(initial, copies * bytes);
            if (largest == null || n > largest.type().shape().size()) {
                largest = v;
            }
        }
        if (largest != null) { // each value is made as f64 first, one tensor at a time
            initial = Footprint.saturatedAdd(initial, largest.type().shape().size() * Double.BYTES);
        }
        for (TensorType t : f.inputs().values()) {
            inputs = Footprint.saturatedAdd(inputs, t.shape().size() * t.dtype().byteSize());
        }
        String biggest = largest == null ? "" : String.format(Locale.ROOT, " (largest: %s %s, %s)", largest.path(),
                largest.type(), bytes(largest.type().shape().size() * largest.type().dtype().byteSize()));
        String where = largest == null ? "model" : paths.of(largest.path());
        if (initial > limits.heapBytes()) {
            problems.add(String.format(Locale.ROOT, "%s: the initial values of the model's variables and %d optimizer "
                    + "slot(s) per parameter need about %s of JVM heap%s, more than its maximum of %s; make the model "
                    + "smaller or give the JVM more heap (-Xmx)", where, slots, bytes(initial), biggest,
                    bytes(limits.heapBytes())));
        }
        // two copies of variables and slots (buffers are ping-ponged), one of gradients, the batch, activations
        long device = Footprint.saturatedAdd(Footprint.saturatedAdd(2 * variables, 2 * slotBytes),
                Footprint.saturatedAdd(Footprint.saturatedAdd(variables, 2 * inputs), f.activations()));
        if (limits.deviceUsesHeapLimit() && device > limits.heapBytes()) {
            boolean activationsDominate = f.activations() > 3 * variables + 2 * slotBytes;
            problems.add(String.format(Locale.ROOT, "%s: one training step needs about %s of device memory "
                    + "(variables %s, optimizer slots %s, gradients %s, batch %s, forward activations %s for a batch of "
                    + "%d; largest activation: %s, %s), more than the limit of %s; %s",
                    activationsDominate ? "train.batch_size" : where, bytes(device), bytes(variables), bytes(slotBytes),
                    bytes(variables), bytes(inputs), bytes(f.activations()), batch, f.largestActivation(),
                    bytes(f.largestActivation() == null ? 0 : f.largestActivation().bytes()), bytes(limits.heapBytes()),
                    activationsDominate ? "lower train.batch_size or make the widest layers smaller"
                            : "make the model smaller"));
        }
    }

    /** A layers (or graph) model whose last dense layer's units differ from the head's classes or vocabulary. */
    private static String logitsMismatch(JobSpec spec) {
        if (spec.head().isEmpty()) {
            return null;
        }
        int expected = switch (spec.head().get()) {
            case HeadSpec.Classification c -> c.classes();
            case HeadSpec.Sequence s -> s.vocabulary();
            case HeadSpec.Regression r -> -1;
        };
        String head = spec.head().get() instanceof HeadSpec.Classification ? "head.classification.classes"
                : "head.sequence.vocabulary";
        FieldPaths paths = new FieldPaths(spec);
        LayerSpec last = switch (spec.model()) {
            case ModelSpec.Layers l -> l.layers().isEmpty() ? null : l.layers().getLast();
            case ModelSpec.Graph g -> g.nodes().stream().filter(n -> n.name().equals(g.outputs().getFirst().source()))
                    .map(ModelSpec.Node::layer).findFirst().orElse(null);
            case ModelSpec.JavaClass c -> null;
        };
        if (expected < 0 || !(last instanceof LayerSpec.Dense d) || d.units() == expected) {
            return null;
        }
        return String.format(Locale.ROOT, "%s: the logits layer '%s' has %d units but %s is %d; make them equal",
                paths.layer(d.name()) + ".dense.units", d.name(), d.units(), head, expected);
    }

    private static String modelPath(JobSpec spec) {
        return spec.model() instanceof ModelSpec.JavaClass ? "model.class" : "model";
    }

    /** Variable paths (layer name first) to the spec field of their layer. */
    private record FieldPaths(JobSpec spec) {
        String of(String variablePath) {
            String layer = paths().containsKey(variablePath.split("/")[0]) ? variablePath.split("/")[0] : null;
            return layer == null ? modelPath(spec) : layer(layer) + "." + layerType(layer);
        }

        String layer(String name) {
            return paths().getOrDefault(name, modelPath(spec));
        }

        private String layerType(String name) {
            return layers().get(name).type();
        }

        private Map<String, String> paths() {
            Map<String, String> out = new LinkedHashMap<>();
            switch (spec.model()) {
                case ModelSpec.Layers l -> {
                    for (int i = 0; i < l.layers().size(); i++) {
                        out.put(l.layers().get(i).name(), "model.layers[" + i + "]");
                    }
                }
                case ModelSpec.Graph g -> {
                    for (int i = 0; i < g.nodes().size(); i++) {
                        out.put(g.nodes().get(i).name(), "model.graph.nodes[" + i + "].layer");
                    }
                }
                case ModelSpec.JavaClass c -> { }
            }
            return out;
        }

        private Map<String, LayerSpec> layers() {
            Map<String, LayerSpec> out = new LinkedHashMap<>();
            switch (spec.model()) {
                case ModelSpec.Layers l -> l.layers().forEach(x -> out.put(x.name(), x));
                case ModelSpec.Graph g -> g.nodes().forEach(n -> out.put(n.name(), n.layer()));
                case ModelSpec.JavaClass c -> { }
            }
            return out;
        }
    }

    static String bytes(long n) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " bytes" : String.format(Locale.ROOT, "%.1f %s (%d bytes)", v, units[u], n);
    }
}
