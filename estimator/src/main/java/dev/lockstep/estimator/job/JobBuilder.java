package dev.lockstep.estimator.job;

import dev.lockstep.data.Dataset;
import dev.lockstep.data.DatasetIterator;
import dev.lockstep.data.Examples;
import dev.lockstep.estimator.Batch;
import dev.lockstep.estimator.Head;
import dev.lockstep.estimator.InputFn;
import dev.lockstep.estimator.JavaModel;
import dev.lockstep.estimator.ModelFn;
import dev.lockstep.estimator.ModelOutput;
import dev.lockstep.estimator.Replica;
import dev.lockstep.device.DeviceOptions;
import dev.lockstep.estimator.RunConfig;
import dev.lockstep.graph.Tensor;
import dev.lockstep.job.DataSpec;
import dev.lockstep.job.HeadSpec;
import dev.lockstep.job.JobSpec;
import dev.lockstep.job.ModelSpec;
import dev.lockstep.job.SpecException;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Sequential;
import dev.lockstep.tensor.HostTensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link JobSpec} to {@link Job}: model tree and function, pipelines, run configuration. Data sources are
 * opened here; what goes wrong then is a {@link SpecException} naming the spec field.
 */
public final class JobBuilder {
    private JobBuilder() {}

    public static Job build(JobSpec spec) {
        return build(spec, Replica.SINGLE);
    }

    /**
     * The job as {@code replica} of a distributed run trains it: each global batch of {@code train.batch_size}
     * examples is the one a single process would train on, and this replica takes its equal slice of it
     * (its rank's consecutive block), so the examples of a step never depend on the world size. The data
     * position (cursor) counts global batches, so a checkpoint resumes on any world size. Evaluation reads
     * the whole eval input on every replica.
     */
    public static Job build(JobSpec spec, Replica replica) {
        List<String> problems = new ArrayList<>();
        if (spec.train().batchSize() % replica.worldSize() != 0) {
            problems.add("train.batch_size: " + spec.train().batchSize() + " examples do not split evenly over "
                    + replica.worldSize() + " workers; use a multiple of " + replica.worldSize());
        }
        Set<String> labels = labels(spec);
        JobSpec.Train t = spec.train();
        List<IdChecks.Range> ids = IdChecks.of(spec);
        Dataset<Map<String, HostTensor>> trainExamples = open(t.data(), "train.data", ids, problems);
        Optional<Dataset<Map<String, HostTensor>>> evalExamples = spec.eval()
                .map(e -> open(e.data(), "eval.data", ids, problems));
        Module model = null;
        ModelFn fn = null;
        try {
            switch (spec.model()) {
                case ModelSpec.JavaClass c -> {
                    JavaModel jm = JavaModels.load(c.className(), c.jar());
                    model = jm.model();
                    fn = jm.modelFn();
                }
                case ModelSpec.Layers l -> {
                    Sequential s = new Sequential();
                    l.layers().forEach(layer -> s.add(layer.name(), Layers.build(layer)));
                    model = s;
                    fn = headed(s, List.of(l.input()), List.of(), spec.head().orElseThrow());
                }
                case ModelSpec.Graph g -> {
                    GraphModule gm = new GraphModule(g);
                    model = gm;
                    fn = headed(gm, g.inputs(), g.outputs().stream().map(ModelSpec.Ref::toString).toList(),
                            spec.head().orElseThrow());
                }
            }
        } catch (IllegalArgumentException e) {
            problems.add((spec.model() instanceof ModelSpec.JavaClass ? "model.class" : "model") + ": " + e.getMessage());
        }
        long trainSteps = t.steps().orElse(0);
        if (t.epochs().isPresent() && trainExamples != null) {
            long perEpoch = count(t.data(), trainExamples) / ((long) t.batchSize() * spec.microBatches());
            if (perEpoch == 0) {
                problems.add("train.batch_size: an epoch of " + count(t.data(), trainExamples) + " examples holds no "
                        + "full batch of " + t.batchSize() + " x " + spec.microBatches() + " micro-batches");
            }
            trainSteps = perEpoch * t.epochs().getAsLong();
        }
        if (model != null && trainExamples != null) { // shapes, sizes and memory, traced without allocating
            problems.addAll(BuildChecks.problems(spec, model, fn, trainExamples, labels,
                    Training.optimizer(spec.optimizer()), BuildChecks.Limits.ofThisJvm(spec.device())));
        }
        if (!problems.isEmpty()) {
            throw new SpecException("(building)", problems);
        }

        Dataset<Map<String, HostTensor>> shuffled = t.shuffleBuffer() > 0
                ? trainExamples.shuffle(t.shuffleBuffer(), spec.seed()) : trainExamples;
        int local = t.batchSize() / replica.worldSize();
        int first = replica.rank() * local;
        // The slice inside the batch stage (not a stage of its own): the pipeline, and so the cursor
        // saved in checkpoints, is the same on every world size.
        Dataset<Batch> trainBatches = shuffled.batch(t.batchSize(), true,
                        global -> Examples.stack(global.subList(first, first + local))).repeat()
                .map(m -> Batch.split(m, labels));
        Dataset<Batch> train = t.prefetch() > 0 ? trainBatches.prefetch(t.prefetch()) : trainBatches;
        Optional<InputFn> eval = spec.eval().map(e -> {
            Dataset<Batch> d = evalExamples.orElseThrow().batch(e.batchSize(), false, Examples::stack)
                    .map(m -> Batch.split(m, labels));
            return () -> d;
        });
        JobSpec.Checkpoints c = spec.checkpoints();
        RunConfig run = new RunConfig(c.dir(), spec.seed(), spec.device(), c.everySteps(),
                Duration.ofSeconds(c.everySeconds()), c.keep(), spec.logEverySteps(),
                new DeviceOptions(spec.pjrt().clientOptions()));
        long evalEvery = spec.eval().flatMap(e -> e.everySteps().isPresent()
                ? Optional.of(e.everySteps().getAsLong()) : Optional.empty()).orElse(trainSteps);
        return new Job(model, fn, run, Training.optimizer(spec.optimizer()), Training.schedule(spec.schedule()),
                Training.transform(spec.transforms()), spec.microBatches(),
                switch (spec.distributed().batchNorm()) {
                    case LOCAL -> dev.lockstep.nn.BatchStatistics.LOCAL;
                    case SYNC -> dev.lockstep.nn.BatchStatistics.SYNC;
                },
                () -> train, trainSteps, eval, spec.eval().map(JobSpec.Eval::steps).orElse(0L), evalEvery);
    }

    /** The model's inputs in order, its first output through the head; every named output is also a prediction. */
    private static ModelFn headed(Module model, List<String> inputs, List<String> outputNames, HeadSpec spec) {
        Head head = Training.head(spec);
        return (scope, features, labels, mode) -> {
            Tensor[] in = new Tensor[inputs.size()];
            for (int i = 0; i < in.length; i++) {
                in[i] = features.get(inputs.get(i));
                if (in[i] == null) {
                    throw new IllegalArgumentException("model input '" + inputs.get(i) + "' is not among the batch's "
                            + "features " + features.keySet());
                }
            }
            List<Tensor> outs = model.callAll(scope, in);
            ModelOutput o = head.apply(outs.getFirst(), labels.get(spec.label()), mode);
            if (outputNames.size() < 2) {
                return o;
            }
            Map<String, Tensor> predictions = new LinkedHashMap<>(o.predictions());
            for (int i = 0; i < outputNames.size(); i++) {
                predictions.put("output/" + outputNames.get(i), outs.get(i));
            }
            return new ModelOutput(predictions, o.perExampleLoss(), o.metrics());
        };
    }

    private static Set<String> labels(JobSpec spec) {
        return switch (spec.model()) {
            case ModelSpec.JavaClass c -> Set.copyOf(c.labels());
            default -> Set.of(spec.head().orElseThrow().label());
        };
    }

    private static Dataset<Map<String, HostTensor>> open(DataSpec d, String path, List<IdChecks.Range> ids,
            List<String> problems) {
        try {
            Dataset<Map<String, HostTensor>> examples = DataSources.examples(d);
            return ids.isEmpty() ? examples : examples.check(IdChecks.check(ids)); // at the source: names the example
        } catch (RuntimeException e) {
            problems.add(path + ": " + e.getMessage());
            return null;
        }
    }

    /** The example count, by reading the source once when the spec alone does not say (csv, tfrecord). */
    private static long count(DataSpec spec, Dataset<Map<String, HostTensor>> examples) {
        if (spec.size().isPresent()) {
            return spec.size().getAsLong();
        }
        long n = 0;
        try (DatasetIterator<Map<String, HostTensor>> it = examples.iterator()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
