package dev.lockstep.cli;

import dev.lockstep.data.DatasetIterator;
import dev.lockstep.device.xla.StableHloEmitter;
import dev.lockstep.estimator.Batch;
import dev.lockstep.estimator.Estimator;
import dev.lockstep.estimator.job.Job;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockstep export JOB.yaml --dir DIR}: weights, signature and StableHLO of the prediction graph. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export the newest valid checkpoint for serving: weights.safetensors, signature.json and "
                + "model.stablehlo.mlir (the prediction graph, for the job's batch shape).")
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions options;

    @Option(names = "--allow-untrained", description = "Run on freshly initialised weights when the model directory "
            + "has no valid checkpoint (otherwise that is an error, exit code 2).")
    boolean allowUntrained;

    @Option(names = "--dir", required = true, description = "Directory to write the export into.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Job job = options.load();
        Map<String, TensorType> features = new LinkedHashMap<>();
        try (DatasetIterator<Batch> it = job.train().dataset().iterator()) {
            if (!it.hasNext()) {
                throw new UsageProblem("the job's training data is empty: cannot tell the input shapes to export");
            }
            for (Map.Entry<String, HostTensor> f : it.next().features().entrySet()) {
                features.put(f.getKey(), f.getValue().type());
            }
        }
        try (Estimator e = job.builder().allowUntrained(allowUntrained).build()) {
            e.export(features).writeTo(dir, g -> StableHloEmitter.emit(g).text());
            spec.commandLine().getOut().printf("exported step %d to %s%n", e.globalStep(), dir);
        }
        return Lockstep.OK;
    }
}
