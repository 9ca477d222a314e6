package dev.lockstep.data;

/**
 * How a TFRecord source reads its files. Immutable; start from {@link #defaults()}.
 *
 * @param skipCorrupt skip corrupt records and count them in {@link DataMetrics} instead of failing
 * @param cycleLength files read at once, one record from each in turn (TensorFlow's interleave with
 *     block length 1); 1 reads files one after another
 * @param shuffleFiles visit files in an order permuted per epoch from (fileSeed, epoch)
 */
public record TfRecordOptions(boolean skipCorrupt, int cycleLength, boolean shuffleFiles, long fileSeed) {
    public TfRecordOptions {
        if (cycleLength < 1) {
            throw new IllegalArgumentException("TFRecord cycleLength must be >= 1, got " + cycleLength);
        }
    }

    public static TfRecordOptions defaults() {
        return new TfRecordOptions(false, 1, false, 0);
    }

    public TfRecordOptions skipCorrupt(boolean skip) {
        return new TfRecordOptions(skip, cycleLength, shuffleFiles, fileSeed);
    }

    /** Mixes records across files, which a block shuffle alone cannot do for data sorted on disk. */
    public TfRecordOptions interleave(int files) {
        return new TfRecordOptions(skipCorrupt, files, shuffleFiles, fileSeed);
    }

    public TfRecordOptions shuffleFiles(long seed) {
        return new TfRecordOptions(skipCorrupt, cycleLength, true, seed);
    }

    String describe() {
        return (skipCorrupt ? ", skip corrupt" : "") + (cycleLength > 1 ? ", interleave " + cycleLength : "")
                + (shuffleFiles ? ", shuffle files seed=" + fileSeed : "");
    }
}
