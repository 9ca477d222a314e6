package dev.lockstep.estimator;

import dev.lockstep.estimator.checkpoint.Manifest;
import dev.lockstep.nn.Port;
import dev.lockstep.nn.Program;
import dev.lockstep.nn.Role;
import dev.lockstep.tensor.TensorType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Decides whether a checkpoint may be resumed by the model traced now, by graph fingerprint. The
 * same job resumes silently. A different fingerprint for the input signature the checkpoint
 * recorded means the model function or loss changed (the variables may still match by path): that is
 * an error naming both fingerprints. A different local batch (a new world size splits the global
 * batch differently, so the traced graph differs in its batch dimension) is allowed when the model,
 * traced again for the recorded signature, reproduces the recorded fingerprint.
 */
final class GraphCheck {
    private GraphCheck() {}

    /** The per-replica batch a gradient program was traced for: feature and label inputs by graph name. */
    static Map<String, TensorType> signature(Program gradient) {
        Map<String, TensorType> out = new TreeMap<>();
        for (Port p : gradient.inputs()) {
            if (p.role() == Role.FEATURE || p.role() == Role.LABEL) {
                out.put(p.name(), p.type());
            }
        }
        return out;
    }

    /**
     * Fails unless {@code recorded} (read from {@code dir}) may continue with {@code now}.
     * {@code traceAt} traces the gradient program for other batch types (feature and label types by
     * path) and returns its fingerprint.
     */
    static void verify(Manifest recorded, Path dir, Program now, int worldSize,
                       Function<Batches, String> traceAt) {
        String fingerprint = Fingerprint.of(now.graph());
        if (fingerprint.equals(recorded.graphFingerprint())) {
            return;
        }
        Map<String, TensorType> was = recorded.inputSignature(), is = signature(now);
        String retraced = null;
        String why;
        if (was.isEmpty()) {
            why = "The manifest records no input signature (written by an older Lockstep), so a changed batch "
                    + "size cannot be told apart from a changed model.";
        } else if (!was.keySet().equals(is.keySet())) {
            why = "The inputs differ by name: recorded " + was.keySet() + ", now " + is.keySet() + ".";
        } else if (was.equals(is)) {
            why = "The input signature is the same, so the model function or loss changed.";
        } else {
            Map<String, TensorType> features = new LinkedHashMap<>(), labels = new LinkedHashMap<>();
            for (Port p : now.inputs()) {
                if (p.role() == Role.FEATURE) {
                    features.put(p.path(), was.get(p.name()));
                } else if (p.role() == Role.LABEL) {
                    labels.put(p.path(), was.get(p.name()));
                }
            }
            try {
                retraced = traceAt.apply(new Batches(features, labels));
            } catch (IllegalArgumentException e) {
                retraced = "(tracing failed: " + e.getMessage() + ")";
            }
            if (retraced.equals(recorded.graphFingerprint())) {
                return; // same model, another local batch (world size or batch size changed)
            }
            why = "Traced again for the recorded input signature, the model gives " + retraced
                    + ", so the model function or loss changed, not only the batch.";
        }
        throw new IllegalStateException("checkpoint " + dir + " (step " + recorded.step() + ") was written by a "
                + "different model function or loss: its graph fingerprint is " + recorded.graphFingerprint()
                + ", the model traced now gives " + fingerprint + ". Recorded: world size " + recorded.worldSize()
                + ", input signature " + was + "; now: world size " + worldSize + ", input signature " + is + ". "
                + why + " The variables match by path and type, so the checkpoint would load but compute something "
                + "else. To proceed, restore the model function that wrote it, or train in a new model directory "
                + "(warm-starting from this checkpoint's tensors with Checkpoint.subtree if that is what you mean).");
    }

    /** Feature and label types by name, for tracing again. */
    record Batches(Map<String, TensorType> features, Map<String, TensorType> labels) {}
}
