package dev.lockstep.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Splits one CSV line (RFC 4180 quoting with doubled quotes; fields may not span lines). */
final class CsvLine {
    private CsvLine() {}

    static List<String> split(String line, char delimiter, Path file, long lineNo) {
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"' && f.toString().isBlank()) {
                quoted = true;
                f.setLength(0);
            } else if (c == delimiter) {
                fields.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("csv " + file + " line " + lineNo + " field " + fields.size()
                    + ": unterminated quote (quoted fields may not span lines)");
        }
        fields.add(f.toString());
        return fields;
    }
}
