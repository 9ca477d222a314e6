package dev.lockstep.estimator.job;

import dev.lockstep.data.CsvSpec;
import dev.lockstep.data.Dataset;
import dev.lockstep.data.ExampleParser;
import dev.lockstep.data.FileSet;
import dev.lockstep.data.Synthetic;
import dev.lockstep.data.TfRecordOptions;
import dev.lockstep.job.DataSpec;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a {@link DataSpec} into a dev.lockstep.data pipeline of examples; files are opened here. */
public final class DataSources {
    private DataSources() {}

    public static Dataset<Map<String, HostTensor>> examples(DataSpec spec) {
        return switch (spec) {
            case DataSpec.Blobs b -> split(Synthetic.gaussianBlobs(b.count(), b.classes(), b.dim(), b.spread(),
                    b.seed()), b.split());
            case DataSpec.Linear l -> split(Synthetic.linearRegression(l.count(), l.dim(), l.noise(),
                    l.seed()), l.split());
            case DataSpec.Sequences s -> split(Synthetic.sequences(s.count(), s.length(), s.vocabulary(), s.reverse(),
                    s.seed()), s.split());
            case DataSpec.Csv c -> csv(c);
            case DataSpec.Idx i -> idx(i);
            case DataSpec.TfRecord t -> {
                ExampleParser parser = new ExampleParser();
                for (var e : t.features().entrySet()) {
                    parser = parser.feature(e.getKey(), e.getValue().dtype(), e.getValue().shape().dims());
                }
                ExampleParser p = parser;
                yield Dataset.fromTfRecords(files(t.patterns()), TfRecordOptions.defaults().skipCorrupt(t.skipCorrupt()))
                        .map(p::parse);
            }
        };
    }

    private static <T> Dataset<T> split(Dataset<T> d, DataSpec.Split s) {
        return s.parts() == 1 ? d : d.shard(s.parts(), s.index());
    }

    private static FileSet files(List<String> patterns) {
        List<Path> all = new ArrayList<>();
        for (String p : patterns) {
            all.addAll(FileSet.of(p).files());
        }
        return new FileSet(String.join(",", patterns), all);
    }

    private static Dataset<Map<String, HostTensor>> csv(DataSpec.Csv c) {
        CsvSpec spec = (c.header() ? CsvSpec.withHeader() : CsvSpec.withoutHeader()).delimiter(c.delimiter());
        for (DataSpec.Csv.Column col : c.columns()) {
            spec = col.index() >= 0 ? spec.column(col.index(), col.name(), col.dtype()) : spec.column(col.name(), col.dtype());
        }
        Dataset<Map<String, HostTensor>> rows = Dataset.fromCsv(files(c.patterns()), spec);
        return c.features().isEmpty() ? rows : rows.map(row -> group(row, c));
    }

    /** Stacks the scalar columns of each feature group into one vector, in the listed order. */
    private static Map<String, HostTensor> group(Map<String, HostTensor> row, DataSpec.Csv c) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        c.features().forEach((name, cols) -> {
            DType dtype = row.get(cols.getFirst()).dtype();
            double[] v = new double[cols.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = row.get(cols.get(i)).getDouble(0);
            }
            out.put(name, HostTensor.fromDoubles(TensorType.of(dtype, v.length), v));
        });
        for (String n : c.names()) {
            if (!out.containsKey(n)) {
                out.put(n, row.get(n));
            }
        }
        return out;
    }

    private static Dataset<Map<String, HostTensor>> idx(DataSpec.Idx spec) {
        HostTensor images = dev.lockstep.data.Idx.read(spec.images());
        HostTensor labels = dev.lockstep.data.Idx.read(spec.labels());
        int n = images.shape().dim(0);
        if (labels.shape().dim(0) != n) {
            throw new IllegalArgumentException(spec.images() + " has " + n + " images but " + spec.labels() + " has "
                    + labels.shape().dim(0) + " labels");
        }
        long to = spec.to().orElse(n);
        if (to > n) {
            throw new IllegalArgumentException("range [" + spec.from() + ", " + to + ") exceeds the "
                    + n + " examples of " + spec.images());
        }
        if (images.shape().rank() != 3 || labels.shape().rank() != 1) {
            throw new IllegalArgumentException("expected images [N, height, width] and labels [N], got "
                    + images.type() + " and " + labels.type());
        }
        int from = (int) spec.from(), count = (int) (to - spec.from());
        int h = images.shape().dim(1), w = images.shape().dim(2), pixels = h * w;
        float[] x = new float[count * pixels];
        double scale = spec.normalize() ? 1.0 / 255 : 1.0;
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (images.getDouble(from * pixels + i) * scale);
        }
        int[] y = new int[count];
        for (int i = 0; i < count; i++) {
            y[i] = (int) labels.getLong(from + i);
        }
        Map<String, HostTensor> columns = new LinkedHashMap<>();
        columns.put(spec.imageFeature(), HostTensor.ofFloats(x, count, h, w, 1));
        columns.put(spec.labelFeature(), HostTensor.ofInts(y, count));
        return Dataset.fromTensors(columns);
    }
}
