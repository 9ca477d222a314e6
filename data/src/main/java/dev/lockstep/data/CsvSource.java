package dev.lockstep.data;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows of CSV files as maps of named scalar tensors. State: [file index, byte offset of the next line,
 * its line number], so resume seeks there (re-reading only the header to resolve column names).
 * Blank lines are skipped. Errors name file, line, column and the offending text.
 */
record CsvSource(FileSet files, CsvSpec spec) implements Stage<Map<String, HostTensor>> {
    CsvSource {
        if (spec.columns().isEmpty()) {
            throw new IllegalArgumentException("csv " + files + ": the spec selects no columns");
        }
    }

    public int length() {
        return 1;
    }

    public String describe() {
        return "csv(" + files + ", " + spec.columns().stream().map(c -> c.name() + ":" + c.dtype()).toList() + ")";
    }

    public StageIterator<Map<String, HostTensor>> open(Open open) {
        long[] own = open.own(this);
        return new StageIterator<>() {
            int file = own == null ? 0 : (int) own[0];
            long offset = own == null ? 0 : own[1];
            long line = own == null ? 0 : own[2];
            LineReader reader;
            int[] indices;
            int headerFields = -1; // fields in the current file's header; -1 without one

            public Map<String, HostTensor> next() {
                while (file < files.files().size()) {
                    if (reader == null) {
                        openFile(files.files().get(file));
                    }
                    for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                        line = reader.lineNumber();
                        offset = reader.offset();
                        if (!text.isBlank()) {
                            return parse(files.files().get(file), line, text);
                        }
                    }
                    reader.close();
                    reader = null;
                    file++;
                    offset = 0;
                    line = 0;
                }
                return null;
            }

            private void openFile(Path p) {
                reader = new LineReader(p, 0, 0);
                if (spec.header()) {
                    String head = reader.readLine();
                    if (head == null) {
                        throw new IllegalArgumentException("csv " + p + ": empty file, expected a header line");
                    }
                    List<String> names = CsvLine.split(head, spec.delimiter(), p, 1);
                    headerFields = names.size();
                    indices = resolve(p, names);
                } else {
                    indices = spec.columns().stream().mapToInt(CsvSpec.Column::index).toArray();
                }
                if (offset > reader.offset()) {
                    reader.close();
                    reader = new LineReader(p, offset, line);
                }
            }

            public void save(long[][] states) {
                states[0] = new long[] {file, offset, line};
            }

            public String where() {
                return reader == null ? null : "csv " + files.files().get(file) + " line " + line;
            }

            public void close() {
                if (reader != null) {
                    reader.close();
                }
            }

            private int[] resolve(Path p, List<String> head) {
                int[] idx = new int[spec.columns().size()];
                for (int i = 0; i < idx.length; i++) {
                    CsvSpec.Column c = spec.columns().get(i);
                    idx[i] = c.index() >= 0 ? c.index() : head.indexOf(c.name());
                    if (idx[i] < 0) {
                        throw new IllegalArgumentException("csv " + p + " line 1: no column '" + c.name()
                                + "' in header " + head);
                    }
                }
                return idx;
            }

            private Map<String, HostTensor> parse(Path p, long lineNo, String text) {
                List<String> fields = CsvLine.split(text, spec.delimiter(), p, lineNo);
                if (headerFields >= 0 && fields.size() > headerFields) {
                    throw fieldCount(p, lineNo, fields.size());
                }
                Map<String, HostTensor> out = new LinkedHashMap<>();
                for (int i = 0; i < indices.length; i++) {
                    CsvSpec.Column c = spec.columns().get(i);
                    if (indices[i] >= fields.size()) {
                        throw new IllegalArgumentException("csv " + p + " line " + lineNo + " column '" + c.name()
                                + "' (index " + indices[i] + "): the line has only " + fields.size() + " fields");
                    }
                    out.put(c.name(), value(fields.get(indices[i]).strip(), c, p, lineNo, indices[i]));
                }
                if (headerFields >= 0 && fields.size() < headerFields) {
                    throw fieldCount(p, lineNo, fields.size()); // a selected column missing was named above
                }
                return out;
            }

            /** A stray or missing delimiter shifts every later column: never guess which fields were meant. */
            private IllegalArgumentException fieldCount(Path p, long lineNo, int found) {
                return new IllegalArgumentException("csv " + p + " line " + lineNo + ": " + found + " fields, but the "
                        + "header (line 1) has " + headerFields + "; fix the line (a stray or missing '"
                        + spec.delimiter() + "'?) or quote fields that contain the delimiter");
            }
        };
    }

    private static HostTensor value(String s, CsvSpec.Column c, Path p, long line, int index) {
        TensorType scalar = TensorType.of(c.dtype());
        try {
            if (s.isEmpty()) {
                throw new NumberFormatException("empty field");
            }
            return switch (c.dtype()) {
                case F32, BF16, F16 -> HostTensor.wrap(scalar, new float[] {Float.parseFloat(s)});
                case F64 -> HostTensor.wrap(scalar, new double[] {Double.parseDouble(s)});
                case I32 -> HostTensor.wrap(scalar, new int[] {Integer.parseInt(s)});
                case I64 -> HostTensor.wrap(scalar, new long[] {Long.parseLong(s)});
                case BOOL -> HostTensor.wrap(scalar, new boolean[] {parseBool(s)});
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("csv " + p + " line " + line + " column '" + c.name() + "' (index "
                    + index + "): cannot parse '" + s + "' as " + c.dtype()
                    + (c.dtype() == DType.BOOL ? " (use true/false/1/0)" : ""), e);
        }
    }

    private static boolean parseBool(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new NumberFormatException("not a boolean");
        };
    }
}
