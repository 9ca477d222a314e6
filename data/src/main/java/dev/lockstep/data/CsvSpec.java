package dev.lockstep.data;

import dev.lockstep.tensor.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Which CSV columns become which named scalar tensors. Columns are chosen by header name (with a header)
 * or by zero-based index; columns not listed are ignored. Immutable; extend with {@link #column}.
 *
 * @param header whether the first line of each file names the columns
 */
public record CsvSpec(boolean header, char delimiter, List<Column> columns) {
    /** One selected column; {@code index} is -1 when it is found by {@code name} in the header. */
    public record Column(String name, int index, DType dtype) {}

    public CsvSpec {
        columns = List.copyOf(columns);
    }

    public static CsvSpec withHeader() {
        return new CsvSpec(true, ',', List.of());
    }

    public static CsvSpec withoutHeader() {
        return new CsvSpec(false, ',', List.of());
    }

    public CsvSpec delimiter(char d) {
        return new CsvSpec(header, d, columns);
    }

    /** The column named {@code name} in the header, as {@code dtype}. */
    public CsvSpec column(String name, DType dtype) {
        if (!header) {
            throw new IllegalArgumentException("csv: column '" + name + "' is selected by name, but the spec has "
                    + "no header; select it by index");
        }
        return add(new Column(name, -1, dtype));
    }

    /** Column {@code index} (zero-based), output under {@code name}, as {@code dtype}. */
    public CsvSpec column(int index, String name, DType dtype) {
        if (index < 0) {
            throw new IllegalArgumentException("csv: column index must be >= 0, got " + index + " for '" + name + "'");
        }
        return add(new Column(name, index, dtype));
    }

    private CsvSpec add(Column c) {
        for (Column o : columns) {
            if (o.name().equals(c.name())) {
                throw new IllegalArgumentException("csv: output name '" + c.name() + "' used twice");
            }
        }
        List<Column> l = new ArrayList<>(columns);
        l.add(c);
        return new CsvSpec(header, delimiter, l);
    }
}
