package dev.lockstep.data;

import dev.lockstep.tensor.HostTensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * An immutable description of an input pipeline, built fluently:
 * <pre>{@code
 * Dataset<Map<String, HostTensor>> train = Dataset.fromTfRecords(FileSet.of("data/train-*.tfrecord").shard(n, i))
 *     .shuffle(10_000, seed).map(parser::parse).batch(32, true, Examples::stack).repeat().prefetch(2);
 * try (DatasetIterator<Map<String, HostTensor>> it = train.iterator(savedCursorOrNull)) { ... it.cursor() ... }
 * }</pre>
 * Nothing is read until {@link #iterator()}. Every stage's randomness is a pure function of its seed, the
 * epoch and positions, so two iterators of one description yield the same sequence.
 */
public final class Dataset<T> {
    private final Stage<T> stage;

    private Dataset(Stage<T> stage) {
        this.stage = stage;
    }

    // ---- sources

    /** The given elements, in order. */
    public static <T> Dataset<T> fromList(List<T> elements) {
        List<T> copy = List.copyOf(elements);
        return new Dataset<>(new IndexedSource<>("list(" + copy.size() + ")", copy.size(), i -> copy.get((int) i)));
    }

    /** The integers [0, count), as longs; handy for tests and index-driven pipelines. */
    public static Dataset<Long> range(long count) {
        return new Dataset<>(new IndexedSource<>("range(" + count + ")", count, i -> i));
    }

    /**
     * {@code count} elements computed from their index. {@code name} identifies the generator in cursors;
     * the function must be pure so a resumed iterator sees the same elements.
     */
    public static <T> Dataset<T> generate(String name, long count, LongFunction<T> element) {
        return new Dataset<>(new IndexedSource<>(name + "(" + count + ")", count, element));
    }

    /**
     * Slices named tensors along their first axis: example i maps each name to row i. All tensors must
     * have the same first dimension; names are kept in the map's iteration order.
     */
    public static Dataset<Map<String, HostTensor>> fromTensors(Map<String, HostTensor> columns) {
        Map<String, HostTensor> cols = new LinkedHashMap<>(columns);
        int n = Examples.commonLeadingDim(cols);
        return new Dataset<>(new IndexedSource<>("tensors" + cols.keySet() + "(" + n + ")", n,
                i -> Examples.row(cols, (int) i)));
    }

    /** IDX files (MNIST format, gzipped or not) read into memory and sliced like {@link #fromTensors}. */
    public static Dataset<Map<String, HostTensor>> fromIdx(Map<String, Path> files) {
        Map<String, HostTensor> cols = new LinkedHashMap<>();
        files.forEach((name, path) -> cols.put(name, Idx.read(path)));
        return fromTensors(cols);
    }

    /** The records of TFRecord files, in file order; a corrupt record is an error naming file and offset. */
    public static Dataset<TfRecord> fromTfRecords(FileSet files) {
        return fromTfRecords(files, TfRecordOptions.defaults());
    }

    /** TFRecords read as {@code options} say: skipping corrupt records, interleaving, shuffling file order. */
    public static Dataset<TfRecord> fromTfRecords(FileSet files, TfRecordOptions options) {
        return new Dataset<>(new TfRecordSource(files, options));
    }

    /** Rows of CSV files as named scalar tensors, typed and selected by {@code spec}. */
    public static Dataset<Map<String, HostTensor>> fromCsv(FileSet files, CsvSpec spec) {
        return new Dataset<>(new CsvSource(files, spec));
    }

    // ---- operations

    public <R> Dataset<R> map(Function<? super T, ? extends R> fn) {
        return new Dataset<>(new Transforms.MapStage<>(stage, Objects.requireNonNull(fn, "fn")));
    }

    /**
     * Fails at the first element for which {@code problem} returns a message (null: the element is fine),
     * naming where it came from (file and line, or source and example index). Put it before shuffle and
     * batch, which cannot tell where an element came from.
     */
    public Dataset<T> check(Function<? super T, String> problem) {
        return new Dataset<>(new CheckStage<>(stage, Objects.requireNonNull(problem, "problem")));
    }

    public Dataset<T> filter(Predicate<? super T> keep) {
        return new Dataset<>(new Transforms.FilterStage<>(stage, Objects.requireNonNull(keep, "keep")));
    }

    /**
     * Worker {@code index} of {@code count} keeps every count-th element, starting at {@code index}. The
     * shards of one dataset are disjoint and together complete. To shard by file instead (each worker reads
     * only its files), shard the {@link FileSet}.
     */
    public Dataset<T> shard(int count, int index) {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard: need 0 <= index < count, got count=" + count + ", index=" + index);
        }
        return new Dataset<>(new Transforms.ShardStage<>(stage, count, index));
    }

    /** Block shuffle reordered per epoch from (seed, epoch); see {@link ShuffleStage} for cost and mixing. */
    public Dataset<T> shuffle(int buffer, long seed) {
        return new Dataset<>(new ShuffleStage<>(stage, buffer, seed));
    }

    /**
     * A full shuffle, different each epoch, of a random-access source (list, range, tensors, IDX, generator)
     * with an O(1) cursor; see {@link PermutedSource}. Call it directly on the source.
     */
    public Dataset<T> shuffleAll(long seed) {
        if (!(stage instanceof IndexedSource<T> source)) {
            throw new IllegalArgumentException("shuffleAll needs a random-access source (list, range, tensors, IDX, "
                    + "generator) directly before it, but got [" + stage.describe() + "]; use shuffle(buffer, seed) "
                    + "for streams");
        }
        return new Dataset<>(new PermutedSource<>(source, seed));
    }

    /** Lists of {@code size} consecutive elements; the last may be shorter unless {@code dropRemainder}. */
    public Dataset<List<T>> batch(int size, boolean dropRemainder) {
        return batch(size, dropRemainder, Function.identity());
    }

    /** Batches combined by {@code collate}, e.g. {@link Examples#stack} for named-tensor examples. */
    public <B> Dataset<B> batch(int size, boolean dropRemainder, Function<List<T>, B> collate) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + size);
        }
        return new Dataset<>(new Transforms.BatchStage<>(stage, size, dropRemainder, collate));
    }

    /**
     * This worker's share of each global batch, so the global batch does not depend on the world size
     * (invariant 2): reads {@code globalBatch} elements (dropping an incomplete last one) and keeps the
     * {@code rank}-th contiguous slice of {@code globalBatch / worldSize}. The ranks' slices of step s,
     * concatenated in rank order, are the one-worker pipeline's batch s. Every worker reads all records, so
     * parse after slicing. The cursor does not depend on rank or world size: all ranks stand at the same
     * position, and a job may resume with another world size at a global-batch boundary.
     */
    public Dataset<List<T>> globalBatchSlice(int globalBatch, int worldSize, int rank) {
        if (worldSize < 1 || rank < 0 || rank >= worldSize || globalBatch < worldSize || globalBatch % worldSize != 0) {
            throw new IllegalArgumentException("globalBatchSlice: need 0 <= rank < worldSize and a global batch that "
                    + "is a positive multiple of worldSize, got globalBatch=" + globalBatch + ", worldSize="
                    + worldSize + ", rank=" + rank);
        }
        return globalBatchShare(BatchShare.of(globalBatch, worldSize), rank);
    }

    /**
     * This worker's run of pieces of each global batch ({@link BatchShare}), as one list of
     * {@code share.pieceCount(rank) * share.pieceSize()} elements: the trainer cuts it into its pieces.
     * As {@link #globalBatchSlice}, the cursor does not depend on rank or world size.
     */
    public Dataset<List<T>> globalBatchShare(BatchShare share, int rank) {
        int from = share.firstExample(rank, 0);
        int to = from + share.pieceCount(rank) * share.pieceSize();
        return batch(share.globalBatch(), true, b -> List.copyOf(b.subList(from, to)));
    }

    /** Repeats forever; each pass is a new epoch (shuffles reorder). */
    public Dataset<T> repeat() {
        return new Dataset<>(new RepeatStage<>(stage, -1));
    }

    public Dataset<T> repeat(long epochs) {
        if (epochs < 0) {
            throw new IllegalArgumentException("repeat: epochs must be >= 0, got " + epochs);
        }
        return new Dataset<>(new RepeatStage<>(stage, epochs));
    }

    public Dataset<T> take(long limit) {
        return new Dataset<>(new Transforms.TakeStage<>(stage, limit));
    }

    /** Computes up to {@code depth} elements ahead on a daemon thread. */
    public Dataset<T> prefetch(int depth) {
        return prefetch(depth, Thread.ofPlatform().daemon().name("lockstep-data-prefetch").factory());
    }

    public Dataset<T> prefetch(int depth, ThreadFactory threads) {
        return new Dataset<>(new PrefetchStage<>(stage, depth, Objects.requireNonNull(threads, "threads")));
    }

    // ---- iteration

    public DatasetIterator<T> iterator() {
        return iterator(null);
    }

    /** Resumes at {@code cursor} (from {@link DatasetIterator#cursor()}), or starts when it is null. */
    public DatasetIterator<T> iterator(Cursor cursor) {
        long[][] states = null;
        if (cursor != null) {
            if (!cursor.pipeline().equals(stage.describe()) || cursor.stages().length != stage.length()) {
                throw new IllegalArgumentException("data cursor was saved for pipeline [" + cursor.pipeline()
                        + "] but this pipeline is [" + stage.describe() + "]; restore with the same pipeline or "
                        + "start without a cursor");
            }
            states = cursor.stages();
        }
        Counters counters = new Counters();
        StageIterator<T> engine;
        try {
            engine = stage.open(new Stage.Open(0, states, counters));
        } catch (IndexOutOfBoundsException e) {
            // the description matched but a stage's row was short: edited or corrupted, not ours to guess
            throw new IllegalArgumentException("data cursor " + cursor + " is malformed for pipeline ["
                    + stage.describe() + "]: " + e.getMessage(), e);
        }
        return new DatasetIterator<>(stage, engine, counters);
    }

    /** The pipeline, source first, e.g. {@code range(10) > shuffle(4, seed=1) > batch(2)}. */
    public String describe() {
        return stage.describe();
    }

    @Override
    public String toString() {
        return "Dataset[" + describe() + "]";
    }
}
