package dev.lockstep.cli;

import dev.lockstep.estimator.checkpoint.Checkpoint;
import dev.lockstep.estimator.checkpoint.CheckpointStore;
import dev.lockstep.tensor.HostTensor;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep inspect CHECKPOINT}: the manifest, then every tensor's path, dtype, shape and L2 norm;
 * with {@code --tensor PATH}, that one tensor's values instead.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a checkpoint: its manifest, and every tensor's path, dtype, shape and L2 norm, or with "
                + "--tensor one tensor's values. CHECKPOINT is a checkpoint directory (ckpt-<step>) or a model "
                + "directory (its newest valid one).")
final class InspectCommand implements Callable<Integer> {
    private static final Pattern STEP = Pattern.compile("ckpt-(\\d+)");

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "CHECKPOINT")
    Path path;

    @Option(names = "--tensor", paramLabel = "PATH",
            description = "Print this tensor's values (row-major, with its shape), e.g. hidden/kernel.")
    String tensor;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
            description = "With --tensor: print all values of tensors up to N elements; of larger ones a summary "
                    + "and the first N (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isDirectory(path)) {
            throw new UsageProblem("CHECKPOINT " + path + " is not a directory");
        }
        Matcher m = STEP.matcher(path.getFileName().toString());
        Checkpoint c;
        if (m.matches()) {
            c = new CheckpointStore(path.toAbsolutePath().getParent(), Integer.MAX_VALUE).load(Long.parseLong(m.group(1)));
        } else {
            c = new CheckpointStore(path, Integer.MAX_VALUE).latestValid().orElseThrow(
                    () -> new UsageProblem("no valid checkpoint in " + path));
        }
        if (tensor != null) {
            return printTensor(out, c);
        }
        var man = c.manifest();
        out.printf(Locale.ROOT, "step %d  epoch %d  world size %d  lockstep %s%ngraph %s%n", man.step(), man.epoch(),
                man.worldSize(), man.lockstepVersion(), man.graphFingerprint());
        out.printf(Locale.ROOT, "%-48s %-5s %-16s %s%n", "PATH", "DTYPE", "SHAPE", "L2 NORM");
        long total = 0;
        for (var e : c.tensors().entrySet()) {
            HostTensor t = e.getValue();
            double norm = 0;
            for (int i = 0; i < t.size(); i++) {
                norm += t.getDouble(i) * t.getDouble(i);
            }
            total += t.size();
            out.printf(Locale.ROOT, "%-48s %-5s %-16s %.6g%n", e.getKey(), t.dtype(), t.shape(), Math.sqrt(norm));
        }
        out.printf(Locale.ROOT, "%d tensors, %d elements%n", c.tensors().size(), total);
        out.flush();
        return 0;
    }

    private int printTensor(PrintWriter out, Checkpoint c) {
        if (limit < 0) {
            throw new UsageProblem("--limit must be >= 0, got " + limit);
        }
        HostTensor t = c.tensors().get(tensor);
        if (t == null) {
            throw new UsageProblem("no tensor '" + tensor + "' in the checkpoint of step " + c.manifest().step()
                    + " at " + path + "; closest: " + String.join(", ", TensorValues.closest(tensor, c.tensors().keySet(), 3))
                    + " (run inspect without --tensor to list all " + c.tensors().size() + ")");
        }
        TensorValues.print(out, tensor, t, limit);
        out.flush();
        return 0;
    }
}
