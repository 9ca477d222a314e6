package dev.lockstep.estimator.job;

import dev.lockstep.job.HeadSpec;
import dev.lockstep.job.JobSpec;
import dev.lockstep.job.LayerSpec;
import dev.lockstep.job.ModelSpec;
import dev.lockstep.tensor.HostTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Host-side checks of the ids a model indexes with, before they reach the device: a class label outside
 * [0, classes) or a token id outside [0, vocabulary) trains silently to nonsense there (a one-hot of an
 * out-of-range id is all zeros). Applied per example at the source, so the error names file and line or
 * the source's example index.
 */
final class IdChecks {
    private IdChecks() {}

    /** Tensor {@code tensor} must hold integers in [0, limit), as {@code field} (a spec path) says. */
    record Range(String tensor, long limit, String field, String what) {}

    /** The ranges a spec implies: the head's label, and every model input that feeds an embedding. */
    static List<Range> of(JobSpec spec) {
        List<Range> out = new ArrayList<>();
        spec.head().ifPresent(h -> {
            switch (h) {
                case HeadSpec.Classification c -> out.add(new Range(c.label(), c.classes(),
                        "head.classification.classes", "class label"));
                case HeadSpec.Sequence s -> out.add(new Range(s.label(), s.vocabulary(),
                        "head.sequence.vocabulary", "token id"));
                case HeadSpec.Regression r -> { }
            }
        });
        switch (spec.model()) {
            case ModelSpec.Layers l -> {
                if (!l.layers().isEmpty() && l.layers().getFirst() instanceof LayerSpec.Embedding e) {
                    out.add(new Range(l.input(), e.vocabulary(), "model.layers[0].embedding.vocabulary",
                            "token id for embedding '" + e.name() + "'"));
                }
            }
            case ModelSpec.Graph g -> {
                for (int i = 0; i < g.nodes().size(); i++) {
                    ModelSpec.Node n = g.nodes().get(i);
                    if (n.layer() instanceof LayerSpec.Embedding e && n.inputs().size() == 1
                            && g.inputs().contains(n.inputs().getFirst().source())) {
                        out.add(new Range(n.inputs().getFirst().source(), e.vocabulary(),
                                "model.graph.nodes[" + i + "].layer.embedding.vocabulary",
                                "token id for embedding '" + e.name() + "'"));
                    }
                }
            }
            case ModelSpec.JavaClass c -> { }
        }
        return List.copyOf(out);
    }

    /** A per-example check for {@code Dataset.check}: the first id out of range, or null. */
    static Function<Map<String, HostTensor>, String> check(List<Range> ranges) {
        return example -> {
            for (Range r : ranges) {
                HostTensor t = example.get(r.tensor());
                if (t == null) {
                    continue; // a missing tensor is reported where the model or head asks for it
                }
                for (int i = 0; i < t.size(); i++) {
                    double v = t.getDouble(i);
                    if (!(v >= 0 && v < r.limit()) || v != Math.rint(v)) {
                        return String.format(Locale.ROOT, "%s '%s'%s is %s, not an integer in [0, %d) (%s = %d); "
                                        + "fix the data, or set %s to cover every id in it", r.what(), r.tensor(),
                                t.size() == 1 ? "" : " (element " + i + ")", number(v), r.limit(), r.field(),
                                r.limit(), r.field());
                    }
                }
            }
            return null;
        };
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
