package dev.lockstep.data;

/**
 * Records of TFRecord files. Files are visited in {@link FileSet} order, or permuted per epoch; up to
 * {@code cycleLength} are open at once and yield one record each in turn; a finished file's slot takes
 * the next file. State: [turn, next file position, then per slot: file index (-1 when empty), byte
 * offset], so resume seeks straight to every open file's next record.
 */
record TfRecordSource(FileSet files, TfRecordOptions options) implements Stage<TfRecord> {
    public int length() {
        return 1;
    }

    public String describe() {
        return "tfrecord(" + files + options.describe() + ")";
    }

    public StageIterator<TfRecord> open(Open open) {
        return new Engine(open);
    }

    private final class Engine implements StageIterator<TfRecord> {
        private final Open open;
        private final int[] order;
        private final int[] slotFile;
        private final long[] slotOffset;
        private final TfRecordReader[] readers;
        private int turn;
        private int nextFile; // position in order of the next file to open
        private TfRecord last; // for where(): the record returned last

        Engine(Open open) {
            this.open = open;
            int n = files.files().size();
            order = options.shuffleFiles() ? Rng.permutation(n, options.fileSeed(), "file-order", open.epoch())
                    : java.util.stream.IntStream.range(0, n).toArray();
            int k = options.cycleLength();
            slotFile = new int[k];
            slotOffset = new long[k];
            readers = new TfRecordReader[k];
            long[] own = open.own(TfRecordSource.this);
            if (own == null) {
                for (int s = 0; s < k; s++) {
                    slotFile[s] = nextFile < n ? order[nextFile++] : -1;
                }
            } else {
                turn = (int) own[0];
                nextFile = (int) own[1];
                for (int s = 0; s < k; s++) {
                    slotFile[s] = (int) own[2 + 2 * s];
                    slotOffset[s] = own[3 + 2 * s];
                }
            }
        }

        @Override
        public TfRecord next() {
            int k = slotFile.length;
            for (int tried = 0; tried < k; ) {
                int s = turn;
                if (slotFile[s] < 0) {
                    turn = (turn + 1) % k;
                    tried++;
                    continue;
                }
                if (readers[s] == null) {
                    readers[s] = new TfRecordReader(files.files().get(slotFile[s]), slotOffset[s],
                            options.skipCorrupt(), open.counters());
                }
                TfRecord r = readers[s].next();
                slotOffset[s] = readers[s].offset();
                if (r != null) {
                    turn = (turn + 1) % k;
                    last = r;
                    return r;
                }
                readers[s].close(); // this file is done: the next file takes the slot, at the same turn
                readers[s] = null;
                slotOffset[s] = 0;
                slotFile[s] = nextFile < order.length ? order[nextFile++] : -1;
                tried = 0;
            }
            return null;
        }

        @Override
        public String where() {
            return last == null ? null : "tfrecord " + last.location();
        }

        @Override
        public void save(long[][] states) {
            long[] st = new long[2 + 2 * slotFile.length];
            st[0] = turn;
            st[1] = nextFile;
            for (int s = 0; s < slotFile.length; s++) {
                st[2 + 2 * s] = slotFile[s];
                st[3 + 2 * s] = slotOffset[s];
            }
            states[0] = st;
        }

        @Override
        public void close() {
            for (TfRecordReader r : readers) {
                if (r != null) {
                    r.close();
                }
            }
        }
    }
}
