package dev.lockstep.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lockstep k8s render|pod}: Kubernetes manifests for a job, and what their pods run. */
@Command(name = "k8s", mixinStandardHelpOptions = true,
        description = {"Kubernetes: `render` prints the manifests of a job (apply them with kubectl apply -f -), "
                + "`pod` is what their pods run.", "See README's \"Deploy on Kubernetes\" and deploy/README.md."},
        subcommands = {K8sRenderCommand.class, K8sPodCommand.class})
final class K8sCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "k8s: name a subcommand (render or pod)");
    }
}
