package dev.lockstep.estimator.checkpoint;

import dev.lockstep.tensor.TensorType;
import java.io.IOException;
import java.util.Collections;
import java.util.TreeMap;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything besides tensors that a checkpoint needs to continue exactly (invariant 7): the step, the
 * epoch, each data source's cursor, the RNG seed and any extra RNG state, the fingerprint of the traced
 * graph, the job config, and the world size it was written with. Tensors are addressed by path, so a
 * checkpoint written by N workers restores onto M; {@code worldSize} is recorded, never needed to load.
 * {@code inputSignature} is the per-replica batch the fingerprinted graph was traced for (input name to
 * type; empty when unknown), so a restore can tell a changed model from a changed local batch size.
 * {@code files} lists each data file with its size and sha256; {@link CheckpointStore#save} fills it in.
 *
 * @param dataCursors per data source, a JSON object positioning the input pipeline (global, not per rank)
 * @param rngState    extra RNG state beyond the seed (randomness is a pure function of the seed and
 *                    step, invariant 4, so this is usually empty)
 * @param jobConfig   the job spec as an opaque JSON object, for audit and for detecting changed jobs
 */
public record Manifest(long step, long epoch, Map<String, Object> dataCursors, long rngSeed,
                       Map<String, Object> rngState, String graphFingerprint, Map<String, TensorType> inputSignature,
                       Map<String, Object> jobConfig, int worldSize, String lockstepVersion, List<DataFile> files) {
    /** Bumped on any incompatible change of the JSON layout; readers refuse versions they do not know. */
    public static final int FORMAT_VERSION = 1;

    /** A data file of the checkpoint, a plain name inside the checkpoint directory. */
    public record DataFile(String name, long bytes, String sha256) {
        public DataFile {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(sha256, "sha256");
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                throw new IllegalArgumentException("data file name '" + name
                        + "' must be a plain file name (no separators, not hidden)");
            }
            if (bytes < 0) {
                throw new IllegalArgumentException("data file " + name + ": bytes = " + bytes + " is negative");
            }
            if (!sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("data file " + name + ": sha256 '" + sha256
                        + "' is not 64 lowercase hex digits");
            }
        }

        static String hex(byte[] digest) {
            return HexFormat.of().formatHex(digest);
        }
    }

    public Manifest {
        if (step < 0) {
            throw new IllegalArgumentException("step = " + step + " is negative");
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch = " + epoch + " is negative");
        }
        if (worldSize < 1) {
            throw new IllegalArgumentException("worldSize = " + worldSize + " must be at least 1");
        }
        dataCursors = JsonValues.object(Objects.requireNonNull(dataCursors, "dataCursors"), "data_cursors");
        rngState = JsonValues.object(Objects.requireNonNull(rngState, "rngState"), "rng.state");
        jobConfig = JsonValues.object(Objects.requireNonNull(jobConfig, "jobConfig"), "job_config");
        Objects.requireNonNull(graphFingerprint, "graphFingerprint");
        inputSignature = Collections.unmodifiableSortedMap(new TreeMap<>(
                Objects.requireNonNull(inputSignature, "inputSignature")));
        Objects.requireNonNull(lockstepVersion, "lockstepVersion");
        files = List.copyOf(files);
        Set<String> names = files.stream().map(DataFile::name).collect(Collectors.toSet());
        if (names.size() != files.size()) {
            throw new IllegalArgumentException("manifest lists a data file twice: " + files);
        }
    }

    /** A manifest with empty cursors, RNG state and job config and no files; refine with the withers. */
    public static Manifest of(long step, long rngSeed, String graphFingerprint, int worldSize, String version) {
        return new Manifest(step, 0, Map.of(), rngSeed, Map.of(), graphFingerprint, Map.of(), Map.of(), worldSize,
                version, List.of());
    }

    public Manifest withEpoch(long e) {
        return new Manifest(step, e, dataCursors, rngSeed, rngState, graphFingerprint, inputSignature, jobConfig,
                worldSize, lockstepVersion, files);
    }

    public Manifest withDataCursors(Map<String, ?> c) {
        return new Manifest(step, epoch, JsonValues.object(c, "data_cursors"), rngSeed, rngState, graphFingerprint,
                inputSignature, jobConfig, worldSize, lockstepVersion, files);
    }

    public Manifest withRngState(Map<String, ?> s) {
        return new Manifest(step, epoch, dataCursors, rngSeed, JsonValues.object(s, "rng.state"), graphFingerprint,
                inputSignature, jobConfig, worldSize, lockstepVersion, files);
    }

    public Manifest withJobConfig(Map<String, ?> c) {
        return new Manifest(step, epoch, dataCursors, rngSeed, rngState, graphFingerprint, inputSignature,
                JsonValues.object(c, "job_config"), worldSize, lockstepVersion, files);
    }

    /** Records the per-replica input types the fingerprinted graph was traced for. */
    public Manifest withInputSignature(Map<String, TensorType> signature) {
        return new Manifest(step, epoch, dataCursors, rngSeed, rngState, graphFingerprint, signature, jobConfig,
                worldSize, lockstepVersion, files);
    }

    public Manifest withFiles(List<DataFile> f) {
        return new Manifest(step, epoch, dataCursors, rngSeed, rngState, graphFingerprint, inputSignature, jobConfig,
                worldSize, lockstepVersion, f);
    }

    /** Pretty-printed JSON with snake_case fields and a {@code format_version}. */
    public String toJson() {
        return ManifestJson.write(this);
    }

    /** Parses and validates; {@code source} names the file in errors. */
    public static Manifest fromJson(String json, Path source) throws CorruptCheckpointException {
        return ManifestJson.read(json, source);
    }

    /** Reads {@code file} as strict UTF-8 JSON. */
    public static Manifest read(Path file) throws IOException {
        return ManifestJson.read(file);
    }
}
