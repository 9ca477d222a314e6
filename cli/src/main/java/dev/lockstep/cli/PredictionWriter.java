package dev.lockstep.cli;

import dev.lockstep.tensor.HostTensor;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes predictions one example per row: CSV (a column per scalar, name_i for flattened vectors) or
 * JSON Lines (an object per example; vectors as arrays). Names are written in sorted order.
 */
final class PredictionWriter {
    enum Format { CSV, JSONL }

    private PredictionWriter() {}

    static long write(List<Map<String, HostTensor>> batches, Format format, Writer out) throws IOException {
        long rows = 0;
        boolean header = true;
        for (Map<String, HostTensor> batch : batches) {
            List<String> names = batch.keySet().stream().sorted().toList();
            int n = batch.get(names.getFirst()).shape().dim(0);
            if (format == Format.CSV && header) {
                List<String> columns = new ArrayList<>();
                for (String name : names) {
                    int width = width(batch.get(name));
                    for (int i = 0; i < width; i++) {
                        columns.add(width == 1 ? name : name + "_" + i);
                    }
                }
                out.write(String.join(",", columns) + "\n");
                header = false;
            }
            for (int e = 0; e < n; e++) {
                out.write(format == Format.CSV ? csvRow(batch, names, e) : jsonRow(batch, names, e));
                out.write('\n');
                rows++;
            }
        }
        out.flush();
        return rows;
    }

    private static int width(HostTensor t) {
        return (int) (t.shape().size() / Math.max(1, t.shape().dim(0)));
    }

    private static String value(HostTensor t, int index) {
        double v = t.getDouble(index);
        return t.dtype().isFloating() ? String.format(Locale.ROOT, "%.9g", v) : Long.toString((long) v);
    }

    private static String csvRow(Map<String, HostTensor> batch, List<String> names, int example) {
        List<String> cells = new ArrayList<>();
        for (String name : names) {
            HostTensor t = batch.get(name);
            int w = width(t);
            for (int i = 0; i < w; i++) {
                cells.add(value(t, example * w + i));
            }
        }
        return String.join(",", cells);
    }

    private static String jsonRow(Map<String, HostTensor> batch, List<String> names, int example) {
        StringBuilder b = new StringBuilder("{");
        for (String name : names) {
            HostTensor t = batch.get(name);
            int w = width(t);
            if (b.length() > 1) {
                b.append(',');
            }
            b.append('"').append(name.replace("\"", "\\\"")).append("\":");
            if (t.shape().rank() == 1) {
                b.append(value(t, example));
            } else {
                b.append('[');
                for (int i = 0; i < w; i++) {
                    b.append(i == 0 ? "" : ",").append(value(t, example * w + i));
                }
                b.append(']');
            }
        }
        return b.append('}').toString();
    }
}
