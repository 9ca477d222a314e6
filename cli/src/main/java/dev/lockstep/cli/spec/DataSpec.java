package dev.lockstep.cli.spec;

import dev.lockstep.data.Dataset;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A source of examples (maps of named tensors) for training or evaluation. {@link #names} are known
 * from the spec alone, so model inputs and labels are checked before any file is opened;
 * {@link DataSources#examples} reads the files.
 */
public sealed interface DataSpec {
    /** The names of the tensors of every example, in order. */
    List<String> names();

    /** The number of examples when the spec alone says (synthetic and IDX sources). */
    OptionalLong size();

    /**
     * Every {@code parts}-th example of a synthetic source, starting at {@code index}: train on split [2, 0]
     * and evaluate on [2, 1] of one source. (A different seed would not do: it moves the blob centers and
     * the regression weights too.) {@link #WHOLE} keeps every example.
     */
    record Split(int parts, int index) {
        public static final Split WHOLE = new Split(1, 0);

        long size(long count) {
            return count / parts + (index < count % parts ? 1 : 0);
        }
    }

    /** {@code x} f32[dim] around one of {@code classes} centers; {@code label} i32. Seed: the job's unless set. */
    record Blobs(long count, int classes, int dim, double spread, OptionalLong seed, Split split) implements DataSpec {
        public List<String> names() {
            return List.of("x", "label");
        }

        public OptionalLong size() {
            return OptionalLong.of(split.size(count));
        }
    }

    /** {@code x} f32[dim] ~ N(0, 1), {@code y} f32[1] = w.x + b + noise. */
    record Linear(long count, int dim, double noise, OptionalLong seed, Split split) implements DataSpec {
        public List<String> names() {
            return List.of("x", "y");
        }

        public OptionalLong size() {
            return OptionalLong.of(split.size(count));
        }
    }

    /** Token sequences to copy or reverse: {@code source}, {@code target_in} (teacher forcing), {@code target_out}. */
    record Sequences(long count, int length, int vocabulary, boolean reverse, OptionalLong seed, Split split)
            implements DataSpec {
        public List<String> names() {
            return List.of("source", "target_in", "target_out");
        }

        public OptionalLong size() {
            return OptionalLong.of(split.size(count));
        }
    }

    /**
     * Rows of CSV files ({@code patterns}: files, directories or globs, resolved). Each column becomes a
     * scalar named after it, except columns listed in {@code features}, which are stacked in order into
     * one vector per feature (all of one dtype).
     */
    record Csv(List<String> patterns, boolean header, char delimiter, List<Column> columns,
               Map<String, List<String>> features) implements DataSpec {
        public record Column(String name, int index, dev.lockstep.tensor.DType dtype) {}

        public Csv {
            patterns = List.copyOf(patterns);
            columns = List.copyOf(columns);
            features = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(features));
        }

        public List<String> names() {
            java.util.Set<String> grouped = new java.util.HashSet<>();
            features.values().forEach(grouped::addAll);
            java.util.List<String> out = new java.util.ArrayList<>(features.keySet());
            columns.stream().map(Column::name).filter(n -> !grouped.contains(n)).forEach(out::add);
            return out;
        }

        public OptionalLong size() {
            return OptionalLong.empty();
        }
    }

    /**
     * IDX files (MNIST), examples [from, to) of both. Images [N, H, W] become {@code imageFeature}
     * f32[H, W, 1] (channels-last, so a conv2d reads them directly), divided by 255 when
     * {@code normalize}; labels become {@code labelFeature} i32.
     */
    record Idx(Path images, Path labels, long from, long to, String imageFeature, String labelFeature,
               boolean normalize) implements DataSpec {
        public List<String> names() {
            return List.of(imageFeature, labelFeature);
        }

        public OptionalLong size() {
            return OptionalLong.of(to - from);
        }
    }

    /** tf.train.Example records in TFRecord files, parsed into fixed-shape features. */
    record TfRecord(List<String> patterns, Map<String, TensorType> features, boolean skipCorrupt) implements DataSpec {
        public TfRecord {
            patterns = List.copyOf(patterns);
            features = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(features));
        }

        public List<String> names() {
            return List.copyOf(features.keySet());
        }

        public OptionalLong size() {
            return OptionalLong.empty();
        }
    }

    /** For tests and callers that want the examples of a spec'd source directly. */
    default Dataset<Map<String, HostTensor>> examples(long jobSeed) {
        return DataSources.examples(this, jobSeed);
    }
}
