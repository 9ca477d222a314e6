package dev.lockstep.job;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.TensorType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A source of examples (maps of named tensors) for training or evaluation. {@link #names} are known
 * from the spec alone, so model inputs and labels are checked before any file is opened
 * (dev.lockstep.estimator.job.DataSources reads the files). Synthetic seeds are resolved: a source
 * without its own seed carries the job's.
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

        public Split {
            if (parts < 1 || index < 0 || index >= parts) {
                throw new IllegalArgumentException("split needs 0 <= index < parts, got [" + parts + ", " + index + "]");
            }
        }

        long size(long count) {
            return count / parts + (index < count % parts ? 1 : 0);
        }
    }

    /** {@code x} f32[dim] around one of {@code classes} centers; {@code label} i32. Seed: the job's unless set. */
    record Blobs(long count, int classes, int dim, double spread, long seed, Split split) implements DataSpec {
        public List<String> names() {
            return List.of("x", "label");
        }

        public OptionalLong size() {
            return OptionalLong.of(split.size(count));
        }
    }

    /** {@code x} f32[dim] ~ N(0, 1), {@code y} f32[1] = w.x + b + noise. */
    record Linear(long count, int dim, double noise, long seed, Split split) implements DataSpec {
        public List<String> names() {
            return List.of("x", "y");
        }

        public OptionalLong size() {
            return OptionalLong.of(split.size(count));
        }
    }

    /** Token sequences to copy or reverse: {@code source}, {@code target_in} (teacher forcing), {@code target_out}. */
    record Sequences(long count, int length, int vocabulary, boolean reverse, long seed, Split split)
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
     * one vector per feature (all of one dtype). Features are kept sorted by name, so a spec's meaning and
     * hash do not depend on the order its keys were written in.
     */
    record Csv(List<String> patterns, boolean header, char delimiter, List<Column> columns,
               Map<String, List<String>> features) implements DataSpec {
        /** {@code index} < 0: found by name in the header. */
        public record Column(String name, int index, DType dtype) {}

        public Csv {
            patterns = List.copyOf(patterns);
            columns = List.copyOf(columns);
            features = sorted(features);
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
     * IDX files (MNIST), examples [from, to) of both; without {@code to}, every example from {@code from}
     * (the count is in the file, read when the job is built). Images [N, H, W] become {@code imageFeature}
     * f32[H, W, 1] (channels-last, so a conv2d reads them directly), divided by 255 when
     * {@code normalize}; labels become {@code labelFeature} i32.
     */
    record Idx(Path images, Path labels, long from, OptionalLong to, String imageFeature, String labelFeature,
               boolean normalize) implements DataSpec {
        public List<String> names() {
            return List.of(imageFeature, labelFeature);
        }

        public OptionalLong size() {
            return to.isPresent() ? OptionalLong.of(to.getAsLong() - from) : OptionalLong.empty();
        }
    }

    /** tf.train.Example records in TFRecord files, parsed into fixed-shape features (sorted by name). */
    record TfRecord(List<String> patterns, Map<String, TensorType> features, boolean skipCorrupt) implements DataSpec {
        public TfRecord {
            patterns = List.copyOf(patterns);
            features = sorted(features);
        }

        public List<String> names() {
            return List.copyOf(features.keySet());
        }

        public OptionalLong size() {
            return OptionalLong.empty();
        }
    }

    private static <V> Map<String, V> sorted(Map<String, V> m) {
        return java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(m));
    }
}
