package dev.lockstep.data;

/**
 * Counters of one {@link DatasetIterator}, for a runner to report.
 *
 * @param elements elements handed to the consumer
 * @param waitNanos total time the consumer spent blocked in {@code hasNext}/{@code next}, i.e. how long the
 *     step waited for data; near zero when prefetch keeps up
 * @param corruptRecordsSkipped corrupt TFRecords skipped (only with skip-corrupt enabled); with prefetch this
 *     may run ahead of the consumer
 * @param lastCorruption file, offset and reason of the last skipped record, or null
 */
public record DataMetrics(long elements, long waitNanos, long corruptRecordsSkipped, String lastCorruption) {}
