package dev.lockstep.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link JobSpec#canonicalJson()}: the spec as a tree in the spec language (the keys of {@link Keys}), then
 * JSON with sorted keys. Only what has no default may be absent (an optional regularizer, eval, a range).
 */
final class Canonical {
    private Canonical() {}

    static String json(JobSpec s) {
        Map<String, Object> job = new TreeMap<>();
        job.put("model", model(s.model()));
        s.head().ifPresent(h -> job.put("head", head(h)));
        job.put("optimizer", optimizer(s.optimizer()));
        job.put("schedule", schedule(s.schedule()));
        job.put("gradients", obj("micro_batches", s.microBatches(),
                "transforms", s.transforms().stream().map(Canonical::transform).toList()));
        JobSpec.Train t = s.train();
        Map<String, Object> train = obj("data", data(t.data()), "batch_size", t.batchSize(),
                "shuffle_buffer", t.shuffleBuffer(), "prefetch", t.prefetch());
        t.steps().ifPresent(n -> train.put("steps", n));
        t.epochs().ifPresent(n -> train.put("epochs", n));
        job.put("train", train);
        s.eval().ifPresent(e -> {
            Map<String, Object> eval = obj("data", data(e.data()), "batch_size", e.batchSize(), "steps", e.steps());
            e.everySteps().ifPresent(n -> eval.put("every_steps", n));
            job.put("eval", eval);
        });
        JobSpec.Checkpoints c = s.checkpoints();
        job.put("checkpoints", obj("dir", c.dir().toString(), "every_steps", c.everySteps(),
                "every_seconds", c.everySeconds(), "keep", c.keep()));
        job.put("seed", s.seed());
        job.put("device", s.device());
        job.put("log_every_steps", s.logEverySteps());
        JobSpec.Distributed d = s.distributed();
        job.put("distributed", obj("workers", d.elastic() ? obj("min", d.minWorkers(), "max", d.workers()) : d.workers(),
                "max_restarts", d.maxRestarts(),
                "replica_check_every_steps", d.replicaCheckEverySteps(), "bucket_bytes", d.bucketBytes(),
                "batch_norm", d.batchNorm().name().toLowerCase(Locale.ROOT), "rendezvous_seconds", d.rendezvousSeconds(),
                "below_min_seconds", d.belowMinSeconds()));
        job.put("pjrt", obj("client_options", new TreeMap<>(s.pjrt().clientOptions())));
        StringBuilder b = new StringBuilder();
        write(job, b);
        return b.toString();
    }

    private static Object model(ModelSpec m) {
        return switch (m) {
            case ModelSpec.Layers l -> obj("input", l.input(), "layers", l.layers().stream().map(Canonical::layer).toList());
            case ModelSpec.Graph g -> obj("graph", obj("inputs", g.inputs(),
                    "nodes", g.nodes().stream().map(Canonical::node).toList(), "outputs", refs(g.outputs())));
            case ModelSpec.JavaClass j -> {
                Map<String, Object> o = obj("class", j.className(), "labels", j.labels());
                j.jar().ifPresent(p -> o.put("jar", p.toString()));
                yield o;
            }
        };
    }

    private static Object node(ModelSpec.Node n) {
        Map<String, Object> o = obj("name", n.name(), "layer", layer(n.layer()), "inputs", refs(n.inputs()));
        if (!n.initialState().isEmpty()) { // an empty list would mean "seeded with nothing" to the parser
            o.put("initial_state", refs(n.initialState()));
        }
        return o;
    }

    private static List<String> refs(List<ModelSpec.Ref> refs) {
        return refs.stream().map(ModelSpec.Ref::toString).toList();
    }

    static Object layer(LayerSpec layer) {
        Map<String, Object> o = obj("name", layer.name());
        switch (layer) {
            case LayerSpec.Dense d -> {
                put(o, "units", d.units(), "activation", name(d.activation()), "use_bias", d.useBias());
                d.kernelRegularizer().ifPresent(r -> o.put("kernel_regularizer", regularizer(r)));
                d.biasRegularizer().ifPresent(r -> o.put("bias_regularizer", regularizer(r)));
            }
            case LayerSpec.Conv c -> {
                put(o, "filters", c.filters(), "kernel_size", c.kernelSize(), "strides", c.strides(),
                        "padding", name(c.padding()), "dilation", c.dilation(), "groups", c.groups(),
                        "activation", name(c.activation()));
                c.kernelRegularizer().ifPresent(r -> o.put("kernel_regularizer", regularizer(r)));
            }
            case LayerSpec.Pooling p -> put(o, "pool_size", p.poolSize(), "strides", p.strides(),
                    "padding", name(p.padding()));
            case LayerSpec.Flatten f -> { }
            case LayerSpec.GlobalPooling g -> { }
            case LayerSpec.Add a -> { }
            case LayerSpec.Dropout d -> o.put("rate", d.rate());
            case LayerSpec.BatchNormalization bn -> put(o, "momentum", bn.momentum(), "epsilon", bn.epsilon(),
                    "unbiased_moving_variance", bn.unbiasedMovingVariance());
            case LayerSpec.LayerNormalization ln -> o.put("epsilon", ln.epsilon());
            case LayerSpec.Embedding e -> put(o, "vocabulary", e.vocabulary(), "dim", e.dim());
            case LayerSpec.Recurrent r -> put(o, "units", r.units(), "return_sequences", r.returnSequences());
            case LayerSpec.ActivationLayer a -> o.put("function", name(a.function()));
            case LayerSpec.Concatenate c -> o.put("axis", c.axis());
            case LayerSpec.RepeatVector r -> o.put("times", r.times());
        }
        return obj(layer.type(), o);
    }

    private static Object regularizer(RegularizerSpec r) {
        return obj(switch (r) {
            case RegularizerSpec.L1 x -> "l1";
            case RegularizerSpec.L2SumOfSquares x -> "l2_sum_of_squares";
            case RegularizerSpec.L2HalfSumOfSquares x -> "l2_half_sum_of_squares";
        }, r.lambda());
    }

    private static Object head(HeadSpec h) {
        return obj(h.type(), switch (h) {
            case HeadSpec.Classification c -> obj("classes", c.classes(), "top_k", c.topK(), "label", c.label());
            case HeadSpec.Regression r -> obj("label", r.label());
            case HeadSpec.Sequence q -> obj("vocabulary", q.vocabulary(), "label", q.label());
        });
    }

    private static Object optimizer(OptimizerSpec o) {
        return switch (o) {
            case OptimizerSpec.Sgd s -> obj("sgd", obj());
            case OptimizerSpec.Momentum m -> obj("momentum", obj("momentum", m.momentum(), "nesterov", m.nesterov()));
            case OptimizerSpec.Adam a -> obj("adam", obj("beta1", a.beta1(), "beta2", a.beta2(), "epsilon", a.epsilon(),
                    "weight_decay", a.weightDecay()));
            case OptimizerSpec.Lamb a -> obj("lamb", obj("beta1", a.beta1(), "beta2", a.beta2(), "epsilon", a.epsilon(),
                    "weight_decay", a.weightDecay()));
            case OptimizerSpec.RmsProp r -> obj("rmsprop", obj("rho", r.rho(), "epsilon", r.epsilon()));
            case OptimizerSpec.Adagrad a -> obj("adagrad", obj("initial_accumulator", a.initialAccumulator(),
                    "epsilon", a.epsilon()));
            case OptimizerSpec.Lars l -> obj("lars", obj("momentum", l.momentum(), "eta", l.eta(),
                    "weight_decay", l.weightDecay(), "epsilon", l.epsilon()));
        };
    }

    private static Object schedule(ScheduleSpec s) {
        return switch (s) {
            case ScheduleSpec.Constant c -> obj("constant", obj("value", c.value()));
            case ScheduleSpec.StepDecay d -> obj("step_decay", obj("initial", d.initial(), "factor", d.factor(),
                    "every", d.every()));
            case ScheduleSpec.Exponential e -> obj("exponential", obj("initial", e.initial(), "rate", e.rate(),
                    "decay_steps", e.decaySteps()));
            case ScheduleSpec.Cosine c -> obj("cosine", obj("initial", c.initial(), "decay_steps", c.decaySteps(),
                    "alpha", c.alpha()));
            case ScheduleSpec.Warmup w -> obj("warmup", obj("steps", w.steps(), "after", schedule(w.after())));
        };
    }

    private static Object transform(TransformSpec t) {
        return switch (t) {
            case TransformSpec.ClipGlobalNorm c -> obj("clip_global_norm", c.clipNorm());
            case TransformSpec.ClipValue c -> obj("clip_value", c.limit());
            case TransformSpec.ClipNorm c -> obj("clip_norm", c.clipNorm());
            case TransformSpec.Scale c -> obj("scale", c.factor());
        };
    }

    private static Object data(DataSpec d) {
        return switch (d) {
            case DataSpec.Blobs b -> obj("synthetic", obj("blobs", obj("count", b.count(), "classes", b.classes(),
                    "dim", b.dim(), "spread", b.spread(), "seed", b.seed(), "split", split(b.split()))));
            case DataSpec.Linear l -> obj("synthetic", obj("linear", obj("count", l.count(), "dim", l.dim(),
                    "noise", l.noise(), "seed", l.seed(), "split", split(l.split()))));
            case DataSpec.Sequences s -> obj("synthetic", obj(s.reverse() ? "sequence_reverse" : "sequence_copy",
                    obj("count", s.count(), "length", s.length(), "vocabulary", s.vocabulary(), "seed", s.seed(),
                            "split", split(s.split()))));
            case DataSpec.Csv c -> {
                List<Object> columns = new ArrayList<>();
                for (DataSpec.Csv.Column col : c.columns()) {
                    Map<String, Object> o = obj("name", col.name(), "type", col.dtype().toString());
                    if (col.index() >= 0) {
                        o.put("index", col.index());
                    }
                    columns.add(o);
                }
                yield obj("csv", obj("files", c.patterns(), "header", c.header(), "delimiter", String.valueOf(c.delimiter()),
                        "columns", columns, "features", new TreeMap<>(c.features())));
            }
            case DataSpec.Idx i -> {
                Map<String, Object> o = obj("images", i.images().toString(), "labels", i.labels().toString(),
                        "image_feature", i.imageFeature(), "label_feature", i.labelFeature(), "normalize", i.normalize());
                i.to().ifPresent(to -> o.put("range", List.of(i.from(), to)));
                yield obj("idx", o);
            }
            case DataSpec.TfRecord t -> {
                Map<String, Object> features = new TreeMap<>();
                t.features().forEach((k, v) -> features.put(k, obj("type", v.dtype().toString(),
                        "shape", java.util.Arrays.stream(v.shape().dims()).boxed().toList())));
                yield obj("tfrecord", obj("files", t.patterns(), "features", features, "skip_corrupt", t.skipCorrupt()));
            }
        };
    }

    private static List<Integer> split(DataSpec.Split s) {
        return List.of(s.parts(), s.index());
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static Map<String, Object> obj(Object... pairs) {
        Map<String, Object> m = new TreeMap<>();
        put(m, pairs);
        return m;
    }

    private static void put(Map<String, Object> m, Object... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (m.put((String) pairs[i], pairs[i + 1]) != null) {
                throw new IllegalStateException("canonical key " + pairs[i] + " written twice");
            }
        }
    }

    /** JSON with ", " and ": " separators, which YAML flow style reads as the same values. */
    private static void write(Object v, StringBuilder b) {
        switch (v) {
            case Map<?, ?> m -> {
                b.append('{');
                String sep = "";
                for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
                    b.append(sep);
                    string((String) e.getKey(), b);
                    b.append(": ");
                    write(e.getValue(), b);
                    sep = ", ";
                }
                b.append('}');
            }
            case List<?> l -> {
                b.append('[');
                for (int i = 0; i < l.size(); i++) {
                    b.append(i == 0 ? "" : ", ");
                    write(l.get(i), b);
                }
                b.append(']');
            }
            case String s -> string(s, b);
            case Boolean x -> b.append(x);
            case Integer x -> b.append(x);
            case Long x -> b.append(x);
            // Double.toString is the shortest text that reads back as the same double.
            case Double x -> b.append(x);
            default -> throw new IllegalStateException("no canonical form for " + v.getClass().getName());
        }
    }

    private static void string(String s, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
