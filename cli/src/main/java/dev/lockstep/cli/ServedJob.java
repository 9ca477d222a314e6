package dev.lockstep.cli;

import dev.lockstep.coordinator.Coordinator;
import dev.lockstep.job.JobSpec;
import dev.lockstep.proto.v1.JobStatus;
import dev.lockstep.proto.v1.SubmitRequest;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The one job of {@code lockstep coordinator --job JOB.yaml} (a coordinator in a Kubernetes pod): submitted
 * when the coordinator starts, or, when its state directory already holds that job (the same spec hash
 * and world size; the pod was replaced), the stored one is served again, so a restarted coordinator
 * continues its job instead of starting a second one.
 */
final class ServedJob {
    private ServedJob() {}

    /** The spec of {@code file}, with its checkpoint directory replaced by {@code modelDir} when given. */
    static JobSpec load(Path file, Optional<Path> modelDir) {
        if (!Files.isRegularFile(file)) {
            throw new UsageProblem("--job " + file + " does not exist or is not a file");
        }
        JobSpec spec = JobSpec.load(file);
        return modelDir.map(dir -> withCheckpointDir(spec, dir.toAbsolutePath())).orElse(spec);
    }

    static JobSpec withCheckpointDir(JobSpec s, Path dir) {
        JobSpec.Checkpoints c = s.checkpoints();
        return new JobSpec(s.model(), s.head(), s.optimizer(), s.schedule(), s.transforms(), s.microBatches(),
                s.train(), s.eval(), new JobSpec.Checkpoints(dir, c.everySteps(), c.everySeconds(), c.keep()),
                s.seed(), s.device(), s.logEverySteps(), s.distributed(), s.pjrt());
    }

    /** Submits {@code spec} on {@code workers} workers, or finds it stored; returns the job id. */
    static String submitOrResume(Coordinator coordinator, JobSpec spec, Path baseDir, int workers, PrintWriter out) {
        String hash = spec.hash();
        List<JobStatus> same = coordinator.list().stream()
                .filter(j -> j.getJobHash().equals(hash) && j.getWorldSize() == workers).toList();
        if (!same.isEmpty()) {
            JobStatus stored = same.getLast();
            out.printf(java.util.Locale.ROOT, "job %s (%s) is in the state directory: %s at step %d; serving it%n",
                    stored.getJobId(), hash, stored.getState(), stored.getCommittedStep());
            out.flush();
            return stored.getJobId();
        }
        String id = coordinator.submit(SubmitRequest.newBuilder().setSpecYaml(spec.canonicalJson())
                .setBaseDir(baseDir.toAbsolutePath().toString()).setWorldSize(workers).build()).getJobId();
        out.printf(java.util.Locale.ROOT, "job %s (%s) submitted: %d workers%n", id, hash, workers);
        out.flush();
        return id;
    }
}
