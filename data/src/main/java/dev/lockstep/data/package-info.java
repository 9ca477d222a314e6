/**
 * Input pipelines: sources, sharding, shuffling, batching, prefetch, and resumable cursors.
 *
 * <p>A {@link dev.lockstep.data.Dataset} is an immutable description; iterating it yields elements,
 * usually examples as {@code Map<String, HostTensor>} (features and labels by name, so multi-input models
 * such as an encoder-decoder fed {@code source} and {@code target_in} need nothing special). A runner:
 * <pre>{@code
 * ExampleParser parser = new ExampleParser().feature("image", DType.F32, 28, 28).feature("label", DType.I32);
 * Dataset<Map<String, HostTensor>> train = Dataset
 *     .fromTfRecords(FileSet.of("/data/train-*.tfrecord"), TfRecordOptions.defaults().interleave(4).shuffleFiles(seed))
 *     .shuffle(10_000, seed)                        // block shuffle, reordered per epoch
 *     .globalBatchSlice(256, worldSize, rank)       // or .shard(worldSize, rank).batch(...)
 *     .map(b -> Examples.stack(b.stream().map(parser::parse).toList()))
 *     .repeat()
 *     .prefetch(2);
 * try (DatasetIterator<Map<String, HostTensor>> it = train.iterator(restoredCursorOrNull)) {
 *     Map<String, HostTensor> batch = it.next();    // names kept, each tensor gains a leading batch axis
 *     Map<String, Object> saved = it.cursor().toMap(); // or toBytes(): store with the checkpoint
 *     long waited = it.metrics().waitNanos();        // time the step waited for data
 * }
 * }</pre>
 *
 * <p>Determinism: every shuffle is a pure function of (seed, epoch, position), shard assignment of
 * (position, world size), so iterators of one description agree across runs, threads and workers.
 * A {@link dev.lockstep.data.Cursor} holds one small {@code long[]} per stage; resuming costs a seek per
 * open file, plus re-reading at most one shuffle block when saved mid-block.
 */
package dev.lockstep.data;
