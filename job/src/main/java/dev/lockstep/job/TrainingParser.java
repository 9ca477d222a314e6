package dev.lockstep.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the optimizer, the learning-rate schedule, gradient transforms and the head into job records. */
final class TrainingParser {
    private final Problems problems;

    TrainingParser(Problems problems) {
        this.problems = problems;
    }

    /** Default: Adam with Keras' settings. */
    OptimizerSpec optimizer(Fields job) {
        return job.choice("optimizer", "optimizer").<OptimizerSpec>map(c -> {
            Fields f = c.fields(c.variant().equals("lamb") ? "adam" : c.variant(), problems);
            return switch (c.variant()) {
                case "sgd" -> new OptimizerSpec.Sgd();
                case "momentum" -> new OptimizerSpec.Momentum(f.get("momentum", Kind.UNIT_INTERVAL, 0.9),
                        f.get("nesterov", Kind.BOOL, false));
                case "adam" -> new OptimizerSpec.Adam(f.get("beta1", Kind.UNIT_INTERVAL, 0.9),
                        f.get("beta2", Kind.UNIT_INTERVAL, 0.999), f.get("epsilon", Kind.POSITIVE, 1e-7),
                        f.get("weight_decay", Kind.NON_NEGATIVE, 0.0));
                case "lamb" -> new OptimizerSpec.Lamb(f.get("beta1", Kind.UNIT_INTERVAL, 0.9),
                        f.get("beta2", Kind.UNIT_INTERVAL, 0.999), f.get("epsilon", Kind.POSITIVE, 1e-6),
                        f.get("weight_decay", Kind.NON_NEGATIVE, 0.0));
                case "rmsprop" -> new OptimizerSpec.RmsProp(f.get("rho", Kind.UNIT_INTERVAL, 0.9),
                        f.get("epsilon", Kind.POSITIVE, 1e-7));
                case "adagrad" -> new OptimizerSpec.Adagrad(f.get("initial_accumulator", Kind.NON_NEGATIVE, 0.1),
                        f.get("epsilon", Kind.POSITIVE, 1e-7));
                case "lars" -> new OptimizerSpec.Lars(f.get("momentum", Kind.UNIT_INTERVAL, 0.9),
                        f.get("eta", Kind.POSITIVE, 0.001), f.get("weight_decay", Kind.NON_NEGATIVE, 0.0),
                        f.get("epsilon", Kind.POSITIVE, 1e-9));
                default -> throw new IllegalStateException("optimizer " + c.variant() + " not parsed");
            };
        }).orElseGet(OptimizerSpec.Adam::standard);
    }

    /** Default: constant 0.001. */
    ScheduleSpec schedule(Fields job) {
        return job.choice("schedule", "schedule").map(this::schedule).orElse(new ScheduleSpec.Constant(0.001));
    }

    private ScheduleSpec schedule(Choice c) {
        Fields f = c.fields(c.variant(), problems);
        return switch (c.variant()) {
            case "constant" -> new ScheduleSpec.Constant(f.get("value", Kind.POSITIVE));
            case "step_decay" -> new ScheduleSpec.StepDecay(f.get("initial", Kind.POSITIVE), f.get("factor", Kind.POSITIVE),
                    f.get("every", Kind.POSITIVE_LONG));
            case "exponential" -> new ScheduleSpec.Exponential(f.get("initial", Kind.POSITIVE),
                    f.get("rate", Kind.POSITIVE), f.get("decay_steps", Kind.POSITIVE_LONG));
            case "cosine" -> new ScheduleSpec.Cosine(f.get("initial", Kind.POSITIVE), f.get("decay_steps", Kind.POSITIVE_LONG),
                    f.get("alpha", Kind.NON_NEGATIVE, 0.0));
            case "warmup" -> {
                long steps = f.get("steps", Kind.POSITIVE_LONG);
                ScheduleSpec after = f.choice("after", "schedule").map(this::schedule).orElseGet(() -> {
                    problems.add(f.at("after"), "required (the schedule that follows the warm-up)");
                    return new ScheduleSpec.Constant(0.001);
                });
                yield new ScheduleSpec.Warmup(steps, after);
            }
            default -> throw new IllegalStateException("schedule " + c.variant() + " not parsed");
        };
    }

    /** {@code gradients.transforms}, applied in the listed order. */
    List<TransformSpec> transforms(Fields gradients) {
        List<TransformSpec> out = new ArrayList<>();
        for (Fields.Item item : gradients.list("transforms")) {
            Choice.read(item.value(), item.path(), "transform", problems).ifPresent(c -> out.add(switch (c.variant()) {
                case "clip_global_norm" -> new TransformSpec.ClipGlobalNorm(c.scalar(Kind.POSITIVE, problems));
                case "clip_value" -> new TransformSpec.ClipValue(c.scalar(Kind.POSITIVE, problems));
                case "clip_norm" -> new TransformSpec.ClipNorm(c.scalar(Kind.POSITIVE, problems));
                case "scale" -> new TransformSpec.Scale(c.scalar(Kind.NUMBER, problems));
                default -> throw new IllegalStateException("transform " + c.variant() + " not parsed");
            }));
        }
        return out;
    }

    /** The head and the label it reads; empty when absent (a class model). */
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
                    // Clamped so reading goes on; the problems above reject the spec.
                    yield new HeadSpec.Classification(Math.max(2, classes), Math.min(topK, Math.max(2, classes)),
                            f.get("label", Kind.NAME, "label"));
                }
                case "regression" -> new HeadSpec.Regression(f.get("label", Kind.NAME, "y"));
                case "sequence" -> new HeadSpec.Sequence(f.get("vocabulary", Kind.POSITIVE_INT),
                        f.get("label", Kind.NAME, "target_out"));
                default -> throw new IllegalStateException("head " + c.variant() + " not parsed");
            };
        });
    }
}
