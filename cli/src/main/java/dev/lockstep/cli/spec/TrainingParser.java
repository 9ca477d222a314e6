package dev.lockstep.cli.spec;

import dev.lockstep.estimator.Head;
import dev.lockstep.nn.GradientTransform;
import dev.lockstep.nn.LearningRate;
import dev.lockstep.nn.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Reads the optimizer, the learning-rate schedule, gradient transforms and the head into nn/estimator records. */
final class TrainingParser {
    private final Problems problems;

    TrainingParser(Problems problems) {
        this.problems = problems;
    }

    /** Default: Adam with Keras' settings. */
    Optimizer optimizer(Fields job) {
        return job.choice("optimizer", "optimizer").map(c -> {
            Fields f = c.fields(c.variant().equals("lamb") ? "adam" : c.variant(), problems);
            return checked(c.path(), () -> switch (c.variant()) {
                case "sgd" -> new Optimizer.Sgd();
                case "momentum" -> new Optimizer.Momentum(f.get("momentum", Kind.UNIT_INTERVAL, 0.9),
                        f.get("nesterov", Kind.BOOL, false));
                case "adam" -> new Optimizer.Adam(f.get("beta1", Kind.UNIT_INTERVAL, 0.9),
                        f.get("beta2", Kind.UNIT_INTERVAL, 0.999), f.get("epsilon", Kind.POSITIVE, 1e-7),
                        f.get("weight_decay", Kind.NON_NEGATIVE, 0.0));
                case "lamb" -> new Optimizer.Lamb(f.get("beta1", Kind.UNIT_INTERVAL, 0.9),
                        f.get("beta2", Kind.UNIT_INTERVAL, 0.999), f.get("epsilon", Kind.POSITIVE, 1e-6),
                        f.get("weight_decay", Kind.NON_NEGATIVE, 0.0));
                case "rmsprop" -> new Optimizer.RmsProp(f.get("rho", Kind.UNIT_INTERVAL, 0.9),
                        f.get("epsilon", Kind.POSITIVE, 1e-7));
                case "adagrad" -> new Optimizer.Adagrad(f.get("initial_accumulator", Kind.NON_NEGATIVE, 0.1),
                        f.get("epsilon", Kind.POSITIVE, 1e-7));
                case "lars" -> new Optimizer.Lars(f.get("momentum", Kind.UNIT_INTERVAL, 0.9),
                        f.get("eta", Kind.POSITIVE, 0.001), f.get("weight_decay", Kind.NON_NEGATIVE, 0.0),
                        f.get("epsilon", Kind.POSITIVE, 1e-9));
                default -> throw new IllegalStateException("optimizer " + c.variant() + " not parsed");
            });
        }).orElseGet(Optimizer.Adam::standard);
    }

    /** Default: constant 0.001. */
    LearningRate schedule(Fields job) {
        return job.choice("schedule", "schedule").map(this::schedule).orElse(new LearningRate.Constant(0.001));
    }

    private LearningRate schedule(Choice c) {
        Fields f = c.fields(c.variant(), problems);
        return checked(c.path(), () -> switch (c.variant()) {
            case "constant" -> new LearningRate.Constant(f.get("value", Kind.POSITIVE));
            case "step_decay" -> new LearningRate.StepDecay(f.get("initial", Kind.POSITIVE), f.get("factor", Kind.POSITIVE),
                    f.get("every", Kind.POSITIVE_LONG));
            case "exponential" -> new LearningRate.Exponential(f.get("initial", Kind.POSITIVE),
                    f.get("rate", Kind.POSITIVE), f.get("decay_steps", Kind.POSITIVE_LONG));
            case "cosine" -> new LearningRate.Cosine(f.get("initial", Kind.POSITIVE), f.get("decay_steps", Kind.POSITIVE_LONG),
                    f.get("alpha", Kind.NON_NEGATIVE, 0.0));
            case "warmup" -> {
                long steps = f.get("steps", Kind.POSITIVE_LONG);
                LearningRate after = f.choice("after", "schedule").map(this::schedule).orElseGet(() -> {
                    problems.add(f.at("after"), "required (the schedule that follows the warm-up)");
                    return new LearningRate.Constant(0.001);
                });
                yield new LearningRate.Warmup(steps, after);
            }
            default -> throw new IllegalStateException("schedule " + c.variant() + " not parsed");
        });
    }

    /** {@code gradients.transforms}, applied in the listed order. */
    GradientTransform transforms(Fields gradients) {
        List<GradientTransform> out = new ArrayList<>();
        for (Fields.Item item : gradients.list("transforms")) {
            Choice.read(item.value(), item.path(), "transform", problems).ifPresent(c -> out.add(switch (c.variant()) {
                case "clip_global_norm" -> new GradientTransform.ClipByGlobalNorm(c.scalar(Kind.POSITIVE, problems));
                case "clip_value" -> new GradientTransform.ClipByValue(c.scalar(Kind.POSITIVE, problems));
                case "clip_norm" -> new GradientTransform.ClipByNorm(c.scalar(Kind.POSITIVE, problems));
                case "scale" -> new GradientTransform.Scale(c.scalar(Kind.NUMBER, problems));
                default -> throw new IllegalStateException("transform " + c.variant() + " not parsed");
            }));
        }
        return GradientTransform.chain(out.toArray(GradientTransform[]::new));
    }

    /** The head and the label it reads; empty when absent (a class model) or after a problem. */
    Optional<HeadSpec> head(Fields job) {
        return job.choice("head", "head").map(c -> {
            Fields f = c.fields(c.variant(), problems);
            return switch (c.variant()) {
                case "classification" -> {
                    int classes = f.get("classes", Kind.POSITIVE_INT);
                    int topK = f.get("top_k", Kind.POSITIVE_INT, 1);
                    if (classes < 2) {
                        problems.add(f.at("classes"), "expected at least 2, got " + classes);
                    } else if (topK > classes) {
                        problems.add(f.at("top_k"), "expected at most classes (" + classes + "), got " + topK);
                    }
                    yield new HeadSpec(checked(c.path(), () -> new Head.Classification(Math.max(2, classes),
                            Math.min(topK, Math.max(2, classes)))), f.get("label", Kind.NAME, "label"), f.at("label"));
                }
                case "regression" -> new HeadSpec(new Head.Regression(), f.get("label", Kind.NAME, "y"), f.at("label"));
                case "sequence" -> new HeadSpec(new Head.Sequence(f.get("vocabulary", Kind.POSITIVE_INT)),
                        f.get("label", Kind.NAME, "target_out"), f.at("label"));
                default -> throw new IllegalStateException("head " + c.variant() + " not parsed");
            };
        });
    }

    /** Runs a record constructor; its own validation (beyond the field checks) becomes a problem at {@code path}. */
    private <T> T checked(String path, Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            problems.add(path, e.getMessage());
            return null;
        }
    }
}
