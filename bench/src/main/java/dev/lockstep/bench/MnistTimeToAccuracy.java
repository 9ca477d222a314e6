package dev.lockstep.bench;

import dev.lockstep.estimator.Estimator;
import dev.lockstep.estimator.Listener;
import dev.lockstep.estimator.RunConfig;
import dev.lockstep.estimator.job.Job;
import dev.lockstep.estimator.job.JobBuilder;
import dev.lockstep.job.JobSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Time to 95% held-out accuracy on real MNIST (first 8,000 test images train, last 2,000 evaluate)
 * with examples/mnist-mlp.yaml on device cpu, and in the same run the PyTorch peer
 * bench/mnist_torch.py (same model, split and schedule). Wall time from the start of training,
 * compilation included. Arguments: MNIST directory (default ../shared/data/mnist-t10k), target 0.95.
 */
public final class MnistTimeToAccuracy {
    private MnistTimeToAccuracy() {}

    public static void main(String[] args) throws Exception {
        String mnist = args.length > 0 ? args[0] : "../shared/data/mnist-t10k";
        double target = args.length > 1 ? Double.parseDouble(args[1]) : 0.95;
        Job job = JobBuilder.build(JobSpec.load(Path.of("../examples/mnist-mlp.yaml")));
        RunConfig run = job.run();
        Path dir = Files.createTempDirectory("lockstep-mnist");
        job = job.withRun(new RunConfig(dir, run.seed(), "cpu", 0, java.time.Duration.ofDays(1), 1, run.logEverySteps()));
        long start = System.nanoTime();
        double[] reached = {Double.NaN};
        double[] last = {0};
        Listener timing = new Listener() {
            @Override
            public void onStep(StepEvent e) {
                if (e.step() == 1) {
                    System.out.printf(Locale.ROOT, "{\"bench\":\"lockstep_mnist_first_step\",\"seconds\":%.3f}%n",
                            (System.nanoTime() - start) / 1e9);
                }
            }

            @Override
            public void onEvaluation(EvaluationEvent e) {
                last[0] = e.metrics().get("accuracy");
                System.out.printf(Locale.ROOT, "{\"bench\":\"lockstep_mnist_eval\",\"step\":%d,\"seconds\":%.3f,"
                        + "\"accuracy\":%.4f}%n", e.step(), (System.nanoTime() - start) / 1e9, last[0]);
                if (Double.isNaN(reached[0]) && last[0] >= target) {
                    reached[0] = (System.nanoTime() - start) / 1e9;
                }
            }
        };
        long steps;
        try (Estimator e = job.estimator(List.of(timing))) {
            job.run(e);
            steps = e.globalStep();
        }
        double total = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "{\"bench\":\"lockstep_mnist_mlp\",\"device\":\"cpu\",\"target\":%.2f,"
                + "\"seconds_to_target\":%.3f,\"steps\":%d,\"seconds_total\":%.3f,\"final_accuracy\":%.4f}%n",
                target, reached[0], steps, total, last[0]);
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", "mnist_torch.py", mnist, String.valueOf(target));
        pb.environment().put("OPENBLAS_NUM_THREADS", String.valueOf(Runtime.getRuntime().availableProcessors()));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            r.lines().forEach(System.out::println);
        }
        p.waitFor();
    }
}
