package dev.lockstep.examples;

import dev.lockstep.data.Dataset;
import dev.lockstep.data.Examples;
import dev.lockstep.data.Synthetic;
import dev.lockstep.estimator.Batch;
import dev.lockstep.estimator.Estimator;
import dev.lockstep.estimator.Head;
import dev.lockstep.estimator.InputFn;
import dev.lockstep.estimator.ModelFn;
import dev.lockstep.estimator.RunConfig;
import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.LearningRate;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Optimizer;
import dev.lockstep.nn.Scope;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.nn.layers.Embedding;
import dev.lockstep.nn.layers.GRU;
import dev.lockstep.tensor.HostTensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A Java estimator example with two inputs: an encoder-decoder learns to reverse token sequences.
 * The encoder GRU reads {@code source}; the decoder GRU starts from the encoder's final state and reads
 * {@code target_in} (teacher forcing); a sequence head scores {@code target_out}.
 *
 * <p>Usage: {@code ReverseSequences [modelDir] [steps] [device]}, defaults {@code runs/reverse 400 cpu}.
 */
public final class ReverseSequences {
    static final int VOCAB = 12;
    static final int LENGTH = 6;

    /** The model tree: every layer registered, so every weight is owned, trained and checkpointed. */
    static final class EncoderDecoder extends Module {
        final Embedding embed = child("embed", new Embedding(VOCAB, 16));
        final GRU encoder = child("encoder", new GRU(48, false));
        final GRU decoder = child("decoder", new GRU(48, true));
        final Dense logits = child("logits", new Dense(VOCAB));

        @Override
        protected Tensor forward(Scope scope, Tensor... inputs) {
            Tensor source = inputs[0], targetIn = inputs[1];
            Tensor state = encoder.call(scope, embed.call(scope, source)); // [N, H]
            Tensor decoded = decoder.callWithInitialState(scope, List.of(state), embed.call(scope, targetIn)).getFirst();
            return logits.call(scope, decoded); // [N, T, VOCAB]
        }
    }

    private ReverseSequences() {}

    /** The model function: the encoder-decoder under a sequence head scoring {@code target_out}. */
    static ModelFn modelFn(EncoderDecoder model) {
        Head head = new Head.Sequence(VOCAB);
        return (scope, features, labels, mode) -> head.apply(
                model.call(scope, features.get("source"), features.get("target_in")), labels.get("target_out"), mode);
    }

    static InputFn input(long examples, long seed, boolean repeat) {
        return () -> {
            Dataset<Batch> d = batches(Synthetic.sequences(examples, LENGTH, VOCAB, true, seed));
            return repeat ? d.repeat() : d;
        };
    }

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "runs/reverse");
        long steps = args.length > 1 ? Long.parseLong(args[1]) : 400;
        String device = args.length > 2 ? args[2] : "cpu";
        EncoderDecoder model = new EncoderDecoder();
        try (Estimator estimator = Estimator.builder(model, modelFn(model), RunConfig.of(dir, 7).withDevice(device))
                .optimizer(Optimizer.Adam.standard()).learningRate(new LearningRate.Constant(0.01)).build()) {
            estimator.trainUntil(input(20_000, 1, true), steps);
            Map<String, Double> metrics = estimator.evaluate(input(1_000, 2, false), 0);
            System.out.printf(Locale.ROOT, "step %d: token accuracy %.3f, loss %.4f%n", estimator.globalStep(),
                    metrics.get("token_accuracy"), metrics.get("loss"));
        }
    }

    private static Dataset<Batch> batches(Dataset<Map<String, HostTensor>> examples) {
        return examples.batch(50, true, Examples::stack).map(m -> Batch.split(m, Set.of("target_out")));
    }
}
