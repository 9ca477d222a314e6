package dev.lockstep.estimator;

import dev.lockstep.graph.Functions;
import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Losses;
import dev.lockstep.nn.Mode;
import dev.lockstep.tensor.DType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Canned output layers: loss, predictions and metrics from the model's logits, so most jobs need no
 * custom loss code. {@code labels} is null in PREDICT.
 */
public sealed interface Head {
    ModelOutput apply(Tensor logits, Tensor labels, Mode mode);

    /**
     * Softmax classification over integer class ids. Predictions: classes, probabilities, logits.
     * Metrics: accuracy, top-k accuracy, log loss, per-class precision and recall.
     */
    record Classification(int classes, int topK) implements Head {
        public Classification {
            if (classes < 2 || topK < 1 || topK > classes) {
                throw new IllegalArgumentException("classification head needs classes >= 2 and 1 <= topK <= classes, got "
                        + classes + " and " + topK);
            }
        }

        @Override
        public ModelOutput apply(Tensor logits, Tensor labels, Mode mode) {
            if (logits.rank() != 2 || logits.shape().dim(1) != classes) {
                throw new IllegalArgumentException("classification logits must be [batch, " + classes + "], got "
                        + logits.type());
            }
            Tensor predicted = logits.argmax(1);
            Map<String, Tensor> predictions = Map.of("classes", predicted, "probabilities",
                    Functions.softmax(logits, 1), "logits", logits);
            if (labels == null) {
                return new ModelOutput(predictions, null, Map.of());
            }
            Tensor ids = labels.cast(DType.I32);
            Tensor loss = Losses.sparseSoftmaxCrossEntropy(logits, ids);
            Map<String, Metric> metrics = new LinkedHashMap<>();
            Tensor correct = predicted.eq(ids).cast(logits.dtype());
            metrics.put("accuracy", Metric.mean(correct));
            // The label is in the top k when fewer than k classes score strictly higher.
            Tensor labelLogit = Functions.oneHot(ids, classes, logits.dtype()).mul(logits).sum(1);
            Tensor higher = logits.gt(labelLogit.reshape(logits.shape().dim(0), 1)).cast(logits.dtype()).sum(1);
            metrics.put("top_" + topK + "_accuracy", Metric.mean(higher.lt((double) topK).cast(logits.dtype())));
            metrics.put("log_loss", Metric.mean(loss));
            Tensor predOneHot = Functions.oneHot(predicted, classes, logits.dtype());
            Tensor labelOneHot = Functions.oneHot(ids, classes, logits.dtype());
            Tensor truePositives = predOneHot.mul(labelOneHot).sum(0);
            Tensor predictedCount = predOneHot.sum(0), actualCount = labelOneHot.sum(0);
            for (int c = 0; c < classes; c++) {
                metrics.put("precision/" + c, Metric.ratio(truePositives.slice(0, c, c + 1).reshape(),
                        predictedCount.slice(0, c, c + 1).reshape()));
                metrics.put("recall/" + c, Metric.ratio(truePositives.slice(0, c, c + 1).reshape(),
                        actualCount.slice(0, c, c + 1).reshape()));
            }
            return new ModelOutput(predictions, loss, metrics);
        }
    }

    /** Regression with mean squared error; metrics MSE and MAE. Predictions: "predictions". */
    record Regression() implements Head {
        @Override
        public ModelOutput apply(Tensor output, Tensor labels, Mode mode) {
            Map<String, Tensor> predictions = Map.of("predictions", output);
            if (labels == null) {
                return new ModelOutput(predictions, null, Map.of());
            }
            Tensor target = labels.cast(output.dtype()).reshape(output.shape().dims());
            Tensor loss = Losses.meanSquaredError(output, target);
            Tensor absolute = output.sub(target).abs();
            Tensor mae = absolute.rank() == 1 ? absolute : absolute.mean(trailingAxes(absolute.rank()));
            return new ModelOutput(predictions, loss, Map.of("mse", Metric.mean(loss), "mae", Metric.mean(mae)));
        }
    }

    /**
     * Per-token softmax classification of sequences: logits [batch, steps, vocabulary], labels
     * [batch, steps] of token ids; a per-example loss is the mean over its steps. Metrics: token
     * accuracy and per-token log loss. Predictions: "tokens" [batch, steps].
     */
    record Sequence(int vocabulary) implements Head {
        @Override
        public ModelOutput apply(Tensor logits, Tensor labels, Mode mode) {
            if (logits.rank() != 3 || logits.shape().dim(2) != vocabulary) {
                throw new IllegalArgumentException("sequence logits must be [batch, steps, " + vocabulary + "], got "
                        + logits.type());
            }
            Tensor tokens = logits.argmax(2);
            Map<String, Tensor> predictions = Map.of("tokens", tokens);
            if (labels == null) {
                return new ModelOutput(predictions, null, Map.of());
            }
            Tensor ids = labels.cast(DType.I32);
            Tensor perToken = Losses.sparseSoftmaxCrossEntropy(logits, ids); // [batch, steps]
            Tensor loss = perToken.mean(1);
            Tensor correct = tokens.eq(ids).cast(logits.dtype());
            return new ModelOutput(predictions, loss, Map.of("token_accuracy", Metric.ratio(correct.sumAll(),
                    correct.scalar(correct.shape().size())), "log_loss", Metric.mean(loss)));
        }
    }

    private static int[] trailingAxes(int rank) {
        int[] axes = new int[rank - 1];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 1;
        }
        return axes;
    }
}
