package dev.lockstep.bench;

import dev.lockstep.data.Dataset;
import dev.lockstep.data.Examples;
import dev.lockstep.estimator.Batch;
import dev.lockstep.estimator.Estimator;
import dev.lockstep.estimator.Head;
import dev.lockstep.estimator.Listener;
import dev.lockstep.estimator.ModelFn;
import dev.lockstep.estimator.RunConfig;
import dev.lockstep.nn.LearningRate;
import dev.lockstep.nn.Optimizer;
import dev.lockstep.nn.Sequential;
import dev.lockstep.nn.layers.Activation;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.nn.layers.Flatten;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Does the input pipeline starve the step? The MLP 784-512-512-10 (batch 256, SGD momentum) trains on
 * real MNIST images read from IDX files (gzip), block-shuffled, batched and prefetched on a
 * background thread; reports the time the training loop waited for data as a fraction of step time.
 * Arguments: steps (default 200), MNIST directory (default ../shared/data/mnist-t10k).
 */
public final class DataWaitBench {
    /**
     * Steps left out of the measurement: compilation, then HotSpot compiling the pipeline and
     * estimator code, which takes the first ~2 s of a run (steps ~1.5x slower while it does).
     */
    private static final int WARMUP = 300;

    private DataWaitBench() {}

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path mnist = Path.of(args.length > 1 ? args[1] : "../shared/data/mnist-t10k");
        Path modelDir = Files.createTempDirectory("lockstep-datawait");
        Sequential model = Sequential.of("flatten", new Flatten(), "dense0", new Dense(512, Activation.Fn.RELU),
                "dense1", new Dense(512, Activation.Fn.RELU), "logits", new Dense(10));
        Head head = new Head.Classification(10, 1);
        ModelFn fn = (s, f, l, m) -> head.apply(model.call(s, f.get("image")), l.get("label"), m);
        double[] wait = new double[1], total = new double[1];
        long[] counted = new long[1];
        Listener timing = new Listener() {
            @Override
            public void onStep(StepEvent e) {
                if (e.step() > WARMUP) {
                    wait[0] += e.dataWaitSeconds();
                    total[0] += e.stepSeconds();
                    counted[0]++;
                }
            }
        };
        RunConfig run = RunConfig.of(modelDir, 1).withCheckpoints(0, Duration.ofDays(1), 1);
        try (Estimator e = Estimator.builder(model, fn, run).optimizer(new Optimizer.Momentum(0.9, false))
                .learningRate(new LearningRate.Constant(0.01)).listener(timing).build()) {
            e.train(() -> Dataset.fromIdx(Map.of("image", mnist.resolve("t10k-images-idx3-ubyte.gz"),
                            "label", mnist.resolve("t10k-labels-idx1-ubyte.gz")))
                    .map(DataWaitBench::normalize)
                    .shuffle(4096, 7).batch(256, true, Examples::stack).repeat().prefetch(4)
                    .map(b -> Batch.split(b, Set.of("label"))), steps + WARMUP);
        }
        System.out.printf(Locale.ROOT, "{\"bench\":\"data_wait\",\"steps\":%d,\"ms_per_step\":%.3f,"
                        + "\"data_wait_ms_per_step\":%.4f,\"data_wait_fraction\":%.4f}%n", counted[0],
                1000 * total[0] / counted[0], 1000 * wait[0] / counted[0], wait[0] / total[0]);
    }

    /** Bytes 0..255 (IDX ubyte, held as i32) as f32 in [0, 1], shaped [28, 28, 1]; labels as i32 scalars. */
    static Map<String, dev.lockstep.tensor.HostTensor> normalize(Map<String, dev.lockstep.tensor.HostTensor> ex) {
        int[] pixels = (int[]) ex.get("image").array();
        float[] v = new float[pixels.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = pixels[i] * (1f / 255f);
        }
        return Map.of("image", dev.lockstep.tensor.HostTensor.ofFloats(v, 28, 28, 1),
                "label", dev.lockstep.tensor.HostTensor.ofInts(new int[] {((int[]) ex.get("label").array())[0]}));
    }
}
