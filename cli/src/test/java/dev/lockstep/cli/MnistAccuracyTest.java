package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.estimator.Estimator;
import dev.lockstep.estimator.RunConfig;
import dev.lockstep.estimator.job.Job;
import dev.lockstep.estimator.job.JobBuilder;
import dev.lockstep.job.JobSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real data: the example specs train on the first 8,000 images of the MNIST test set and evaluate on
 * the last 2,000, on device cpu. Skipped, with a message, when ../shared/data/mnist-t10k is absent.
 */
class MnistAccuracyTest {
    private static final Path EXAMPLES = Path.of("../examples").toAbsolutePath().normalize();
    private static final Path MNIST = EXAMPLES.resolve("../../shared/data/mnist-t10k").normalize();

    private static double trainedAccuracy(String spec, Path modelDir) {
        Assumptions.assumeTrue(Files.isRegularFile(MNIST.resolve("t10k-images-idx3-ubyte.gz")),
                "MNIST not found at " + MNIST + "; skipping the real-data accuracy test");
        Job job = JobBuilder.build(JobSpec.load(EXAMPLES.resolve(spec)));
        RunConfig run = job.run();
        job = job.withRun(new RunConfig(modelDir, run.seed(), "cpu", run.checkpointEverySteps(),
                run.checkpointEvery(), run.keepCheckpoints(), run.logEverySteps()));
        try (Estimator e = job.estimator(List.of())) {
            Map<String, Double> metrics = job.run(e);
            return metrics.get("accuracy");
        }
    }

    @Test
    void mlpReaches95PercentOnHeldOutImages(@TempDir Path dir) {
        double accuracy = trainedAccuracy("mnist-mlp.yaml", dir);
        assertTrue(accuracy >= 0.95, "MNIST MLP accuracy " + accuracy);
    }

    @Test
    void cnnReaches97PercentOnHeldOutImages(@TempDir Path dir) {
        double accuracy = trainedAccuracy("mnist-cnn.yaml", dir);
        assertTrue(accuracy >= 0.97, "MNIST CNN accuracy " + accuracy);
    }
}
