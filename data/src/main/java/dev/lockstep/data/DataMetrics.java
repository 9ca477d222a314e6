package dev.lockstep.data;

/**
 * Counters of one {@link DatasetIterator}, for a runner to report.
 *
 * @param elements elements handed to the consumer
 * @param waitNanos total time the consumer spent blocked in {@code hasNext}/{@code next}, i.e. how long the
 *     step waited for data; near zero when prefetch keeps up
 * @param corruptRecordsSkipped corrupt TFRecords (or corrupt regions, when a bad length field made the
 *     reader resynchronise) skipped (only with skip-corrupt enabled), counted when the consumer passes
 *     them, so each is counted once even with prefetch and across resumes from the iterator's cursor
 * @param corruptBytesSkipped bytes of input those skips lost
 * @param lastCorruption file, offset, reason and skipped byte range of the last skip, or null
 */
public record DataMetrics(long elements, long waitNanos, long corruptRecordsSkipped, long corruptBytesSkipped,
                          String lastCorruption) {}
