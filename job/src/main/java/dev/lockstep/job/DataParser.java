package dev.lockstep.job;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.TensorType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Reads a {@code data} choice: synthetic, csv, idx or tfrecord. File paths are relative to the spec's directory. */
final class DataParser {
    static final Kind<DType> DTYPE = Kind.oneOf(dtypes());

    private final Problems problems;
    private final Path baseDir;
    private final long jobSeed;

    /** {@code jobSeed}: the seed of a synthetic source that does not set its own. */
    DataParser(Problems problems, Path baseDir, long jobSeed) {
        this.problems = problems;
        this.baseDir = baseDir;
        this.jobSeed = jobSeed;
    }

    Optional<DataSpec> parse(Fields parent, String key) {
        if (!parent.has(key)) {
            problems.add(parent.at(key), "required (one of synthetic, csv, idx, tfrecord)");
            return Optional.empty();
        }
        return parent.choice(key, "data").flatMap(c -> switch (c.variant()) {
            case "synthetic" -> Choice.read(c.value(), c.path(), "synthetic", problems).map(this::synthetic);
            case "csv" -> Optional.of(csv(c.fields("csv", problems)));
            case "idx" -> Optional.of(idx(c.fields("idx", problems)));
            case "tfrecord" -> Optional.of(tfrecord(c.fields("tfrecord", problems)));
            default -> throw new IllegalStateException("data variant " + c.variant() + " not parsed");
        });
    }

    private DataSpec synthetic(Choice c) {
        Fields f = c.fields(c.variant().startsWith("sequence") ? "sequences" : c.variant(), problems);
        long count = f.get("count", Kind.POSITIVE_LONG);
        long seed = f.get("seed", Kind.LONG, jobSeed);
        DataSpec.Split split = split(f);
        return switch (c.variant()) {
            case "blobs" -> new DataSpec.Blobs(count, f.get("classes", Kind.POSITIVE_INT), f.get("dim", Kind.POSITIVE_INT),
                    f.get("spread", Kind.NON_NEGATIVE, 1.0), seed, split);
            case "linear" -> new DataSpec.Linear(count, f.get("dim", Kind.POSITIVE_INT), f.get("noise", Kind.NON_NEGATIVE, 0.1),
                    seed, split);
            case "sequence_copy", "sequence_reverse" -> {
                int vocabulary = f.get("vocabulary", Kind.POSITIVE_INT);
                if (vocabulary < 3) {
                    problems.add(f.at("vocabulary"), "expected at least 3 (0 is padding, 1 begins a sequence), got "
                            + vocabulary);
                }
                yield new DataSpec.Sequences(count, f.get("length", Kind.POSITIVE_INT), vocabulary,
                        c.variant().equals("sequence_reverse"), seed, split);
            }
            default -> throw new IllegalStateException("synthetic variant " + c.variant() + " not parsed");
        };
    }

    /** {@code split: [parts, index]}, 0 <= index < parts. */
    private DataSpec.Split split(Fields f) {
        if (!f.has("split")) {
            return DataSpec.Split.WHOLE;
        }
        List<Fields.Item> items = f.list("split");
        Integer parts = items.size() == 2 ? Kind.POSITIVE_INT.convert().apply(items.get(0).value()) : null;
        Integer index = items.size() == 2 ? Kind.NON_NEGATIVE_INT.convert().apply(items.get(1).value()) : null;
        if (parts == null || index == null || index >= parts) {
            problems.expected(f.at("split"), "[parts, index] with 0 <= index < parts", f.raw("split"));
            return DataSpec.Split.WHOLE;
        }
        return new DataSpec.Split(parts, index);
    }

    private DataSpec csv(Fields f) {
        boolean header = f.get("header", Kind.BOOL, true);
        String delimiter = f.get("delimiter", Kind.STRING, ",");
        if (delimiter.length() != 1) {
            problems.expected(f.at("delimiter"), "one character", delimiter);
        }
        List<DataSpec.Csv.Column> columns = new ArrayList<>();
        Map<String, DType> types = new LinkedHashMap<>();
        for (Fields.Item item : f.list("columns")) {
            Fields col = Fields.of(item.value(), item.path(), "csv_column", problems);
            String name = col.get("name", Kind.NAME);
            DType dtype = col.get("type", DTYPE);
            int index = col.get("index", Kind.NON_NEGATIVE_INT, -1);
            if (index < 0 && !header) {
                problems.add(col.at("index"), "required when csv.header is false (columns are found by position)");
            }
            if (types.put(name, dtype) != null) {
                problems.add(col.at("name"), "duplicate column name '" + name + "'");
            }
            columns.add(new DataSpec.Csv.Column(name, index, dtype));
        }
        if (columns.isEmpty()) {
            problems.add(f.at("columns"), "required (a list of {name, type})");
        }
        Map<String, List<String>> features = new LinkedHashMap<>();
        Fields.Item groups = new Fields.Item(f.raw("features"), f.at("features"));
        if (groups.value() instanceof Map<?, ?> m) {
            Set<String> used = new HashSet<>();
            m.forEach((k, v) -> {
                String path = groups.path() + "." + k;
                List<String> cols = new ArrayList<>();
                if (v instanceof List<?> l && !l.isEmpty()) {
                    for (int i = 0; i < l.size(); i++) {
                        Object c = l.get(i);
                        if (!(c instanceof String s) || !types.containsKey(s)) {
                            problems.add(path + "[" + i + "]", "expected a column name" + (c instanceof String s
                                    ? Problems.hint(s, types.keySet(), "columns") : ", got " + Problems.describe(c)));
                        } else if (!used.add(s)) {
                            problems.add(path + "[" + i + "]", "column '" + s + "' is already in a feature");
                        } else if (types.get(s) != types.get(cols.isEmpty() ? s : cols.getFirst())) {
                            problems.add(path + "[" + i + "]", "column '" + s + "' is " + types.get(s)
                                    + " but '" + cols.getFirst() + "' is " + types.get(cols.getFirst()));
                        } else {
                            cols.add(s);
                        }
                    }
                } else {
                    problems.expected(path, "a non-empty list of column names", v);
                }
                features.put(String.valueOf(k), cols);
            });
        } else if (groups.value() != null) {
            problems.expected(groups.path(), "a mapping from feature name to a list of columns", groups.value());
        }
        return new DataSpec.Csv(files(f), header, delimiter.isEmpty() ? ',' : delimiter.charAt(0), columns, features);
    }

    private DataSpec idx(Fields f) {
        Path images = baseDir.resolve(f.get("images", Kind.STRING)).normalize();
        Path labels = baseDir.resolve(f.get("labels", Kind.STRING)).normalize();
        long from = 0;
        OptionalLong to = OptionalLong.empty();
        List<Fields.Item> range = f.list("range");
        if (f.has("range")) {
            Long a = range.size() == 2 ? Kind.NON_NEGATIVE_LONG.convert().apply(range.get(0).value()) : null;
            Long b = range.size() == 2 ? Kind.NON_NEGATIVE_LONG.convert().apply(range.get(1).value()) : null;
            if (a == null || b == null || a >= b) {
                problems.expected(f.at("range"), "[from, to) with 0 <= from < to", f.raw("range"));
            } else {
                from = a;
                to = OptionalLong.of(b);
            }
        }
        String image = f.get("image_feature", Kind.NAME, "image"), label = f.get("label_feature", Kind.NAME, "label");
        if (image.equals(label)) {
            problems.add(f.at("label_feature"), "must differ from image_feature ('" + image + "')");
        }
        // Without a range the example count is in the files; the spec stays data, so they are read at build.
        return new DataSpec.Idx(images, labels, from, to, image, label, f.get("normalize", Kind.BOOL, true));
    }

    private DataSpec tfrecord(Fields f) {
        Map<String, TensorType> features = new LinkedHashMap<>();
        Object raw = f.raw("features");
        if (raw instanceof Map<?, ?> m && !m.isEmpty()) {
            m.forEach((k, v) -> {
                Fields feature = Fields.of(v, f.at("features") + "." + k, "tfrecord_feature", problems);
                DType dtype = feature.get("type", DTYPE);
                List<Integer> shape = new ArrayList<>();
                for (Fields.Item d : feature.list("shape")) {
                    Integer dim = Kind.NON_NEGATIVE_INT.convert().apply(d.value());
                    if (dim == null) {
                        problems.expected(d.path(), "an integer >= 0", d.value());
                    } else {
                        shape.add(dim);
                    }
                }
                features.put(String.valueOf(k), TensorType.of(dtype, shape.stream().mapToInt(Integer::intValue).toArray()));
            });
        } else {
            problems.expected(f.at("features"), "a mapping from feature name to {type, shape}", raw);
        }
        return new DataSpec.TfRecord(files(f), features, f.get("skip_corrupt", Kind.BOOL, false));
    }

    private List<String> files(Fields f) {
        List<String> patterns = f.strings("files");
        if (patterns.isEmpty()) {
            problems.add(f.at("files"), "required (a file, directory or glob, or a list of them)");
        }
        return patterns.stream().map(p -> baseDir.resolve(p).normalize().toString()).toList();
    }

    private static Map<String, DType> dtypes() {
        Map<String, DType> m = new LinkedHashMap<>();
        for (DType d : DType.values()) {
            m.put(d.toString(), d);
        }
        return m;
    }
}
