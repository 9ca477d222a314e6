package dev.lockstep.estimator;

import dev.lockstep.estimator.checkpoint.Json;
import dev.lockstep.estimator.checkpoint.SafeTensors;
import dev.lockstep.graph.Graph;
import dev.lockstep.nn.Program;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A model exported for serving: the PREDICT program's weights ({@code weights.safetensors}: parameters
 * and layer state, no optimizer slots), its signature ({@code signature.json}: every input, in order,
 * with its role, dtype and shape, and every output), and, when a lowering is given, the program as
 * text ({@code model.stablehlo.mlir}). Files are written to temporary names and renamed into place
 * ({@link StagedFiles}).
 */
public record Export(Program program, Map<String, HostTensor> weights) {
    public static final String WEIGHTS = "weights.safetensors";
    public static final String SIGNATURE = "signature.json";
    public static final String MODULE = "model.stablehlo.mlir";

    /**
     * Writes the export into {@code dir}; {@code lowering} (may be null) renders the graph as module text.
     * All files are written and forced to disk before any is renamed into place, so a failure (a full
     * disk) leaves a previous export as it was and no temporary file behind, naming the file it could not write.
     */
    public void writeTo(Path dir, Function<Graph, String> lowering) throws IOException {
        Files.createDirectories(dir);
        String module = lowering == null ? null : lowering.apply(program.graph());
        try (StagedFiles files = new StagedFiles()) {
            files.write(dir.resolve(WEIGHTS), tmp -> SafeTensors.write(tmp, weights,
                    Map.of("format", "pt", "producer", "lockstep " + Estimator.VERSION)));
            files.write(dir.resolve(SIGNATURE), tmp -> Files.writeString(tmp, Json.pretty(signature())));
            if (module != null) {
                files.write(dir.resolve(MODULE), tmp -> Files.writeString(tmp, module));
            }
            files.commit();
        }
    }

    /** Inputs in program order (role "feature" or "weight") and outputs, each with dtype and shape. */
    public Map<String, Object> signature() {
        List<Map<String, Object>> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        List<TensorType> inTypes = program.graph().inputTypes();
        for (int i = 0; i < inTypes.size(); i++) {
            String name = program.inputNames().get(i);
            inputs.add(describe(name, name.startsWith("features/") ? "feature" : "weight", inTypes.get(i)));
        }
        List<TensorType> outTypes = program.graph().outputTypes();
        for (int i = 0; i < outTypes.size(); i++) {
            outputs.add(describe(program.outputNames().get(i), "prediction", outTypes.get(i)));
        }
        Map<String, Object> sig = new LinkedHashMap<>();
        sig.put("lockstep_version", Estimator.VERSION);
        sig.put("graph_fingerprint", Fingerprint.of(program.graph()));
        sig.put("inputs", inputs);
        sig.put("outputs", outputs);
        return sig;
    }

    private static Map<String, Object> describe(String name, String role, TensorType t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("role", role);
        m.put("dtype", t.dtype().toString());
        m.put("shape", t.shape().dims());
        return m;
    }
}
