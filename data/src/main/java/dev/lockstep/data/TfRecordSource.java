package dev.lockstep.data;

import java.nio.file.Path;

/**
 * Records of TFRecord files in {@link FileSet} order. State: [file index, byte offset of the next record],
 * so resume seeks straight there.
 */
record TfRecordSource(FileSet files, boolean skipCorrupt) implements Stage<TfRecord> {
    public int length() {
        return 1;
    }

    public String describe() {
        return "tfrecord(" + files + (skipCorrupt ? ", skip corrupt)" : ")");
    }

    public StageIterator<TfRecord> open(Open open) {
        long[] own = open.own(this);
        return new StageIterator<>() {
            int file = own == null ? 0 : (int) own[0];
            long offset = own == null ? 0 : own[1];
            TfRecordReader reader;

            public TfRecord next() {
                while (file < files.files().size()) {
                    if (reader == null) {
                        Path p = files.files().get(file);
                        reader = new TfRecordReader(p, offset, skipCorrupt, open.counters());
                    }
                    TfRecord r = reader.next();
                    offset = reader.offset();
                    if (r != null) {
                        return r;
                    }
                    reader.close();
                    reader = null;
                    file++;
                    offset = 0;
                }
                return null;
            }

            public void save(long[][] states) {
                states[0] = new long[] {file, offset};
            }

            public void close() {
                if (reader != null) {
                    reader.close();
                }
            }
        };
    }
}
