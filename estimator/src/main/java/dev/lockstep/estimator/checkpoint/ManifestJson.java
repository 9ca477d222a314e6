package dev.lockstep.estimator.checkpoint;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.TensorType;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Manifest to and from JSON, field by field, so a bad manifest is reported by file and field name. */
final class ManifestJson {
    private ManifestJson() {
    }

    static String write(Manifest m) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("format_version", Manifest.FORMAT_VERSION);
        root.put("lockstep_version", m.lockstepVersion());
        root.put("step", m.step());
        root.put("epoch", m.epoch());
        root.put("world_size", m.worldSize());
        root.put("graph_fingerprint", m.graphFingerprint());
        if (!m.inputSignature().isEmpty()) {
            // Written only when known, so manifests of callers that never record one read as before.
            ObjectNode sig = root.putObject("input_signature");
            m.inputSignature().forEach((name, t) -> {
                ObjectNode type = sig.putObject(name).put("dtype", t.dtype().mlirName());
                ArrayNode shape = type.putArray("shape");
                for (int d : t.shape().dims()) {
                    shape.add(d);
                }
            });
        }
        ObjectNode rng = root.putObject("rng");
        rng.put("seed", m.rngSeed());
        rng.set("state", Json.MAPPER.valueToTree(m.rngState()));
        root.set("data_cursors", Json.MAPPER.valueToTree(m.dataCursors()));
        root.set("job_config", Json.MAPPER.valueToTree(m.jobConfig()));
        ArrayNode files = root.putArray("files");
        for (Manifest.DataFile f : m.files()) {
            files.addObject().put("name", f.name()).put("bytes", f.bytes()).put("sha256", f.sha256());
        }
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize manifest of step " + m.step(), e);
        }
    }

    static Manifest read(Path file) throws IOException {
        try {
            return read(Json.utf8(Files.readAllBytes(file)), file);
        } catch (CharacterCodingException e) {
            throw new CorruptCheckpointException(file, "manifest is not valid UTF-8", e);
        }
    }

    static Manifest read(String json, Path file) throws CorruptCheckpointException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new CorruptCheckpointException(file, "manifest is not well-formed JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CorruptCheckpointException(file, "manifest is not a JSON object");
        }
        long version = integer(root, "format_version", file);
        if (version != Manifest.FORMAT_VERSION) {
            throw new CorruptCheckpointException(file, "format_version " + version + " is not supported (this "
                    + "Lockstep reads version " + Manifest.FORMAT_VERSION + "); use the Lockstep that wrote it");
        }
        JsonNode rng = field(root, "rng", file);
        if (!rng.isObject()) {
            throw new CorruptCheckpointException(file, "field 'rng' must be an object");
        }
        List<Manifest.DataFile> files = new ArrayList<>();
        JsonNode fileList = field(root, "files", file);
        if (!fileList.isArray()) {
            throw new CorruptCheckpointException(file, "field 'files' must be an array");
        }
        for (int i = 0; i < fileList.size(); i++) {
            JsonNode f = fileList.get(i);
            String where = "files[" + i + "]";
            if (!f.isObject()) {
                throw new CorruptCheckpointException(file, "field '" + where + "' must be an object");
            }
            files.add(guard(file, where, () -> new Manifest.DataFile(text(f, "name", file),
                    integer(f, "bytes", file), text(f, "sha256", file))));
        }
        long worldSize = integer(root, "world_size", file);
        if (worldSize < 1 || worldSize > Integer.MAX_VALUE) {
            throw new CorruptCheckpointException(file, "field 'world_size' = " + worldSize + " is not a positive int");
        }
        Map<String, Object> cursors = object(root, "data_cursors", file);
        Map<String, Object> rngState = object(rng, "state", file);
        Map<String, Object> job = object(root, "job_config", file);
        Map<String, TensorType> signature = signature(root, file);
        return guard(file, "manifest", () -> new Manifest(integer(root, "step", file), integer(root, "epoch", file),
                cursors, integer(rng, "seed", file), rngState, text(root, "graph_fingerprint", file), signature, job,
                (int) worldSize, text(root, "lockstep_version", file), files));
    }

    /** The optional {@code input_signature}: input name to {dtype, shape}; empty when absent. */
    private static Map<String, TensorType> signature(JsonNode root, Path file) throws CorruptCheckpointException {
        Map<String, TensorType> out = new TreeMap<>();
        JsonNode sig = root.get("input_signature");
        if (sig == null) {
            return out;
        }
        if (!sig.isObject()) {
            throw new CorruptCheckpointException(file, "field 'input_signature' must be an object");
        }
        for (Map.Entry<String, JsonNode> e : sig.properties()) {
            String where = "input_signature." + e.getKey();
            JsonNode t = e.getValue();
            JsonNode shape = t.get("shape");
            DType dtype = null;
            for (DType d : DType.values()) {
                if (t.has("dtype") && d.mlirName().equals(t.get("dtype").asText())) {
                    dtype = d;
                }
            }
            if (dtype == null || shape == null || !shape.isArray()) {
                throw new CorruptCheckpointException(file, "field '" + where + "' = " + t
                        + " must be {\"dtype\": f32|f64|..., \"shape\": [dims]}");
            }
            int[] dims = new int[shape.size()];
            for (int i = 0; i < dims.length; i++) {
                if (!shape.get(i).canConvertToInt() || shape.get(i).intValue() < 0) {
                    throw new CorruptCheckpointException(file, "field '" + where + ".shape' = " + shape
                            + " must hold non-negative ints");
                }
                dims[i] = shape.get(i).intValue();
            }
            out.put(e.getKey(), TensorType.of(dtype, dims));
        }
        return out;
    }

    private interface Parse<T> {
        T get() throws CorruptCheckpointException;
    }

    /** Turns a record's validation failure into a corrupt-file error that names the file. */
    private static <T> T guard(Path file, String where, Parse<T> p) throws CorruptCheckpointException {
        try {
            return p.get();
        } catch (IllegalArgumentException e) {
            throw new CorruptCheckpointException(file, where + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode field(JsonNode obj, String name, Path file) throws CorruptCheckpointException {
        JsonNode n = obj.get(name);
        if (n == null) {
            throw new CorruptCheckpointException(file, "manifest field '" + name + "' is missing");
        }
        return n;
    }

    private static long integer(JsonNode obj, String name, Path file) throws CorruptCheckpointException {
        JsonNode n = field(obj, name, file);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new CorruptCheckpointException(file, "manifest field '" + name + "' = " + n
                    + " is not a 64-bit integer");
        }
        return n.longValue();
    }

    private static String text(JsonNode obj, String name, Path file) throws CorruptCheckpointException {
        JsonNode n = field(obj, name, file);
        if (!n.isTextual()) {
            throw new CorruptCheckpointException(file, "manifest field '" + name + "' = " + n + " is not a string");
        }
        return n.textValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(JsonNode obj, String name, Path file)
            throws CorruptCheckpointException {
        JsonNode n = field(obj, name, file);
        if (!n.isObject()) {
            throw new CorruptCheckpointException(file, "manifest field '" + name + "' must be a JSON object");
        }
        return Json.MAPPER.convertValue(n, Map.class);
    }
}
