package dev.lockstep.job;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * YAML text to a validated {@link JobSpec}, collecting every problem before failing. Defaults are filled in,
 * relative paths resolved, a layer model's input and each synthetic source's seed made explicit: the spec
 * holds what the job means, not how it was written.
 */
final class JobParser {
    private JobParser() {}

    static JobSpec parse(String text, Path baseDir, String source) {
        Object root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(new SafeConstructor(options)).load(text);
        } catch (YAMLException e) {
            throw new SpecException(source, List.of("not valid YAML: " + e.getMessage()));
        }
        Problems problems = new Problems();
        if (!(root instanceof Map<?, ?>)) {
            problems.expected("", "a mapping with keys " + String.join(", ", Keys.of("job")), root);
            problems.throwIfAny(source);
        }
        JobSpec spec = read(Fields.of(root, "", "job", problems), baseDir);
        problems.throwIfAny(source);
        problems.checkAllRead();
        return spec;
    }

    private static JobSpec read(Fields job, Path baseDir) {
        Problems problems = job.problems();
        TrainingParser training = new TrainingParser(problems);
        Fields regularization = job.object("regularization", "regularization");
        long seed = job.get("seed", Kind.LONG, 1L);
        Optional<RegularizerSpec> kernels = regularization.choice("kernels", "regularizer")
                .map(c -> LayerParser.regularizer(c, problems));
        if (!job.has("model")) {
            problems.add("model", "required (layers, graph or class)");
        }
        Optional<ModelSpec> model = job.has("model")
                ? new ModelParser(problems, kernels, baseDir).parse(job.object("model", "model")) : Optional.empty();
        boolean javaClass = model.orElse(null) instanceof ModelSpec.JavaClass;
        Optional<HeadSpec> head = javaClass ? Optional.empty() : training.head(job);
        if (javaClass && job.has("head")) {
            problems.add("head", "not used with model.class: the class's model function computes the loss");
        } else if (!javaClass && model.isPresent() && !job.has("head")) {
            problems.add("head", "required (classification, regression or sequence)");
        }
        Fields gradients = job.object("gradients", "gradients");
        int micro = gradients.get("micro_batches", Kind.POSITIVE_INT, 1);

        DataParser data = new DataParser(problems, baseDir, seed);
        Fields t = job.object("train", "train");
        if (!job.has("train")) {
            problems.add("train", "required (data, batch_size, steps or epochs)");
        }
        Optional<DataSpec> trainData = job.has("train") ? data.parse(t, "data") : Optional.empty();
        OptionalLong steps = t.optional("steps", Kind.POSITIVE_LONG).map(OptionalLong::of).orElse(OptionalLong.empty());
        OptionalLong epochs = t.optional("epochs", Kind.POSITIVE_LONG).map(OptionalLong::of).orElse(OptionalLong.empty());
        if (job.has("train") && t.has("steps") == t.has("epochs")) {
            problems.add(t.path(), "give exactly one of steps and epochs");
        }
        int batch = t.get("batch_size", Kind.POSITIVE_INT);
        JobSpec.Train train = new JobSpec.Train(trainData.orElse(null), batch, steps, epochs,
                t.get("shuffle_buffer", Kind.NON_NEGATIVE_INT, 0), t.get("prefetch", Kind.NON_NEGATIVE_INT, 2));

        Optional<JobSpec.Eval> eval = Optional.empty();
        if (job.has("eval")) {
            Fields e = job.object("eval", "eval");
            Optional<DataSpec> evalData = data.parse(e, "data");
            eval = Optional.of(new JobSpec.Eval(evalData.orElse(null), e.get("batch_size", Kind.POSITIVE_INT, batch),
                    e.get("steps", Kind.NON_NEGATIVE_LONG, 0L),
                    e.optional("every_steps", Kind.POSITIVE_LONG).map(OptionalLong::of).orElse(OptionalLong.empty())));
        }
        // A layer model's default input comes from the training data; then both data sources are checked.
        Optional<ModelSpec> resolved = model.map(x -> withInput(x, trainData, head, job.at("model"), problems));
        trainData.ifPresent(d -> checkNames(d, resolved, head, t.at("data"), problems));
        eval.map(JobSpec.Eval::data).ifPresent(d -> checkNames(d, resolved, head, "eval.data", problems));

        Fields c = job.object("checkpoints", "checkpoints");
        if (!c.has("dir")) {
            problems.add(c.at("dir"), "required (the model directory; training resumes from the checkpoints in it)");
        }
        JobSpec.Checkpoints checkpoints = new JobSpec.Checkpoints(baseDir.resolve(c.get("dir", Kind.STRING, "?")).normalize(),
                c.get("every_steps", Kind.NON_NEGATIVE_LONG, 1000L), c.get("every_seconds", Kind.NON_NEGATIVE_LONG, 600L),
                c.get("keep", Kind.POSITIVE_INT, 5));

        JobSpec.Distributed distributed = distributed(job, batch);
        return new JobSpec(resolved.orElse(null), head, training.optimizer(job), training.schedule(job), training.transforms(gradients), micro,
                train, eval, checkpoints, seed, job.get("device", Kind.STRING, "cpu"),
                job.get("log_every_steps", Kind.POSITIVE_LONG, 100L), distributed, pjrt(job));
    }

    /** {@code pjrt.client_options}: free-form names, each value one of PJRT's named value types. */
    private static JobSpec.Pjrt pjrt(Fields job) {
        Problems problems = job.problems();
        Fields f = job.object("pjrt", "pjrt");
        Object raw = f.raw("client_options");
        Map<String, Object> options = new java.util.TreeMap<>();
        if (raw instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                String path = f.at("client_options") + "." + k;
                Object value = clientOption(v);
                if (!(k instanceof String name) || name.isBlank()) {
                    problems.add(f.at("client_options"), "option names must be non-empty strings, got "
                            + Problems.describe(k));
                } else if (value == null) {
                    problems.expected(path, "a string, integer, number, boolean or list of integers (a PJRT named "
                            + "value)", v);
                } else {
                    options.put(name, value);
                }
            });
        } else if (raw != null) {
            problems.expected(f.at("client_options"), "a mapping from option name to value", raw);
        }
        return new JobSpec.Pjrt(options);
    }

    /** The value as a String, Long, Double, Boolean or List<Long>; null when it is none of them. */
    private static Object clientOption(Object v) {
        return switch (v) {
            case String s -> s;
            case Boolean b -> b;
            case Integer i -> (long) i;
            case Long l -> l;
            case Double d -> d;
            case List<?> list -> {
                List<Long> longs = new java.util.ArrayList<>();
                for (Object o : list) {
                    if (!(o instanceof Integer) && !(o instanceof Long)) {
                        yield null;
                    }
                    longs.add(((Number) o).longValue());
                }
                yield List.copyOf(longs);
            }
            case null, default -> null;
        };
    }

    private static final Kind<String> BATCH_NORM_POLICY = Kind.oneOf(names("local", "sync"));

    private static Map<String, String> names(String... names) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String n : names) {
            m.put(n, n);
        }
        return m;
    }

    private static JobSpec.Distributed distributed(Fields job, int batch) {
        Problems problems = job.problems();
        JobSpec.Distributed d = JobSpec.Distributed.SINGLE;
        Fields f = job.object("distributed", "distributed");
        int workers = d.workers();
        int min = d.minWorkers();
        boolean elastic = false;
        if (f.has("workers")) {
            if (f.raw("workers") instanceof Map<?, ?>) {
                Fields range = f.object("workers", "workers_range");
                elastic = true;
                min = range.get("min", Kind.POSITIVE_INT);
                workers = range.get("max", Kind.POSITIVE_INT);
                if (min > workers) {
                    problems.add(f.at("workers"), "min " + min + " is more than max " + workers);
                    min = workers;
                }
            } else {
                workers = f.get("workers", Kind.POSITIVE_INT, 1);
                min = workers;
            }
        }
        JobSpec.BatchNormPolicy batchNorm = "sync".equals(f.get("batch_norm", BATCH_NORM_POLICY, "local"))
                ? JobSpec.BatchNormPolicy.SYNC : JobSpec.BatchNormPolicy.LOCAL;
        if (!elastic && batch % workers != 0) {
            problems.add(f.at("workers"), workers + " workers cannot split train.batch_size " + batch
                    + " evenly (each takes an equal slice of every global batch); use a batch size that is a "
                    + "multiple of " + workers + ", or workers: {min, max} (a batch that does not divide is then "
                    + "trained in micro-batches)");
        }
        if (elastic && workers > batch) {
            problems.add(f.at("workers"), "max " + workers + " workers cannot share train.batch_size " + batch
                    + " (each needs at least one example of every global batch)");
        }
        if (elastic && batchNorm == JobSpec.BatchNormPolicy.SYNC) {
            for (int n = min; n <= workers; n++) {
                if (batch % n != 0) {
                    problems.add(f.at("batch_norm"), "'sync' needs train.batch_size " + batch + " to divide over "
                            + "every world size the job may have (workers {min: " + min + ", max: " + workers + "}), "
                            + "but " + n + " workers do not divide it: every worker must normalise the same number "
                            + "of micro-batches per step");
                    break;
                }
            }
        }
        return new JobSpec.Distributed(workers, min, elastic,
                f.get("max_restarts", Kind.NON_NEGATIVE_INT, d.maxRestarts()),
                f.get("replica_check_every_steps", Kind.NON_NEGATIVE_LONG, d.replicaCheckEverySteps()),
                f.get("bucket_bytes", Kind.POSITIVE_LONG, d.bucketBytes()), batchNorm,
                f.get("rendezvous_seconds", Kind.NON_NEGATIVE_LONG, d.rendezvousSeconds()),
                f.get("below_min_seconds", Kind.POSITIVE_LONG, d.belowMinSeconds()));
    }

    /** Fills in a layer model's input: the only feature that is not a label. */
    private static ModelSpec withInput(ModelSpec m, Optional<DataSpec> data, Optional<HeadSpec> head, String path,
                                       Problems problems) {
        if (!(m instanceof ModelSpec.Layers l) || l.input() != null || data.isEmpty()) {
            return m;
        }
        List<String> features = data.get().names().stream()
                .filter(n -> head.map(h -> !h.label().equals(n)).orElse(true)).toList();
        if (features.size() != 1) {
            problems.add(path + ".input", "required: the data has several features " + features
                    + "; name the one the layers read (or use model.graph for several)");
            return m;
        }
        return new ModelSpec.Layers(features.getFirst(), l.layers());
    }

    /** The head's label and the model's inputs must be tensors the data produces. */
    private static void checkNames(DataSpec data, Optional<ModelSpec> model, Optional<HeadSpec> head, String dataPath,
                                   Problems problems) {
        List<String> names = data.names();
        head.ifPresent(h -> {
            if (!names.contains(h.label())) {
                problems.add(h.labelPath(), "label '" + h.label() + "' is not produced by " + dataPath
                        + Problems.hint(h.label(), names, "it produces"));
            }
        });
        Set<String> inputs = new HashSet<>();
        String where = "model";
        switch (model.orElse(null)) {
            case ModelSpec.Layers l when l.input() != null -> {
                inputs.add(l.input());
                where = "model.input";
            }
            case ModelSpec.Graph g -> {
                inputs.addAll(g.inputs());
                where = "model.graph.inputs";
            }
            case ModelSpec.JavaClass j -> j.labels().forEach(lbl -> {
                if (!names.contains(lbl)) {
                    problems.add("model.labels", "label '" + lbl + "' is not produced by " + dataPath
                            + Problems.hint(lbl, names, "it produces"));
                }
            });
            case null, default -> { }
        }
        for (String in : inputs) {
            if (!names.contains(in)) {
                problems.add(where, "feature '" + in + "' is not produced by " + dataPath
                        + Problems.hint(in, names, "it produces"));
            }
        }
    }
}
