package dev.lockstep.nn;

import dev.lockstep.graph.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A composable step between the reduced gradient and the optimizer. Transforms see the whole
 * (global, already all-reduced) gradient, so global-norm clipping clips by the true norm. Values
 * worth reporting (the norm before clipping) go into {@code report}.
 */
public sealed interface GradientTransform {
    Gradients apply(Gradients g, Map<String, Tensor> report);

    default Gradients apply(Gradients g) {
        return apply(g, new LinkedHashMap<>());
    }

    /** Applies {@code transforms} left to right. */
    static GradientTransform chain(GradientTransform... transforms) {
        return new Chain(List.of(transforms));
    }

    record Chain(List<GradientTransform> transforms) implements GradientTransform {
        @Override
        public Gradients apply(Gradients g, Map<String, Tensor> report) {
            for (GradientTransform t : transforms) {
                g = t.apply(g, report);
            }
            return g;
        }
    }

    /** g * min(1, clipNorm / ||g||) with ||g|| the global norm; reports it as {@code grad_norm}. */
    record ClipByGlobalNorm(double clipNorm) implements GradientTransform {
        public ClipByGlobalNorm {
            if (!(clipNorm > 0)) {
                throw new IllegalArgumentException("clipNorm must be > 0, got " + clipNorm);
            }
        }

        @Override
        public Gradients apply(Gradients g, Map<String, Tensor> report) {
            Tensor norm = g.globalNorm();
            report.put("grad_norm", norm);
            // clipNorm / max(norm, clipNorm) == min(1, clipNorm / norm), and is 1 (not NaN) for a zero norm.
            Tensor scale = norm.max(clipNorm).scalar(clipNorm).div(norm.max(clipNorm));
            return g.map((p, t) -> t.mul(scale.cast(t.dtype())));
        }
    }

    /** Clamps every element to [-limit, limit]. */
    record ClipByValue(double limit) implements GradientTransform {
        public ClipByValue {
            if (!(limit > 0)) {
                throw new IllegalArgumentException("clip value must be > 0, got " + limit);
            }
        }

        @Override
        public Gradients apply(Gradients g, Map<String, Tensor> report) {
            return g.map((p, t) -> t.max(-limit).min(limit));
        }
    }

    /** Clips each tensor separately to L2 norm at most {@code clipNorm}. */
    record ClipByNorm(double clipNorm) implements GradientTransform {
        public ClipByNorm {
            if (!(clipNorm > 0)) {
                throw new IllegalArgumentException("clipNorm must be > 0, got " + clipNorm);
            }
        }

        @Override
        public Gradients apply(Gradients g, Map<String, Tensor> report) {
            return g.map((p, t) -> {
                Tensor norm = t.square().sumAll().sqrt();
                return t.mul(norm.scalar(clipNorm).div(norm.max(clipNorm)));
            });
        }
    }

    /** Multiplies every gradient by {@code factor}. */
    record Scale(double factor) implements GradientTransform {
        @Override
        public Gradients apply(Gradients g, Map<String, Tensor> report) {
            return g.map((p, t) -> t.mul(factor));
        }
    }
}
