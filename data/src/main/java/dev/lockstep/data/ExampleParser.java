package dev.lockstep.data;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.lockstep.tensor.DType;
import dev.lockstep.proto.v1.Example;
import dev.lockstep.proto.v1.Feature;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code tf.train.Example} records into named tensors of fixed types (TensorFlow's FixedLenFeature):
 * float_list becomes a floating dtype, int64_list an integer or bool dtype. Immutable; add features with
 * {@link #feature}. Errors name the record's file and offset, the feature, and expected vs found.
 */
public final class ExampleParser {
    private record Spec(String name, TensorType type, HostTensor fallback) {}

    private final List<Spec> specs;

    public ExampleParser() {
        this(List.of());
    }

    private ExampleParser(List<Spec> specs) {
        this.specs = specs;
    }

    /** A required feature of this dtype and shape (values are stored flat, row-major). */
    public ExampleParser feature(String name, DType dtype, int... shape) {
        return with(new Spec(name, TensorType.of(dtype, shape), null));
    }

    /** A feature that, when absent from a record, takes {@code fallback} (whose type it must have). */
    public ExampleParser optional(String name, HostTensor fallback) {
        return with(new Spec(name, fallback.type(), fallback));
    }

    private ExampleParser with(Spec s) {
        for (Spec o : specs) {
            if (o.name.equals(s.name)) {
                throw new IllegalArgumentException("example parser: feature '" + s.name + "' declared twice");
            }
        }
        List<Spec> l = new ArrayList<>(specs);
        l.add(s);
        return new ExampleParser(List.copyOf(l));
    }

    /** Parses a record read from a TFRecord file; errors name its file and offset. */
    public Map<String, HostTensor> parse(TfRecord record) {
        return parse(record.data(), "TFRecord in " + record.location());
    }

    /** Parses serialized {@code Example} bytes; {@code where} prefixes error messages. */
    public Map<String, HostTensor> parse(byte[] bytes, String where) {
        Example ex;
        try {
            ex = Example.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(where + ": not a tf.train.Example: " + e.getMessage(), e);
        }
        Map<String, Feature> features = ex.getFeatures().getFeatureMap();
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Spec s : specs) {
            Feature f = features.get(s.name);
            if (f == null) {
                if (s.fallback == null) {
                    throw new IllegalArgumentException(where + ": feature '" + s.name + "' (" + s.type
                            + ") is missing; the record has " + features.keySet());
                }
                out.put(s.name, s.fallback);
            } else {
                out.put(s.name, convert(f, s, where));
            }
        }
        return out;
    }

    private static HostTensor convert(Feature f, Spec s, String where) {
        int n = (int) s.type.shape().size();
        DType dt = s.type.dtype();
        String expectedKind = dt.isFloating() ? "float_list" : "int64_list";
        int found = switch (f.getKindCase()) {
            case FLOAT_LIST -> f.getFloatList().getValueCount();
            case INT64_LIST -> f.getInt64List().getValueCount();
            case BYTES_LIST -> f.getBytesList().getValueCount();
            case KIND_NOT_SET -> 0;
        };
        boolean kindOk = switch (f.getKindCase()) {
            case FLOAT_LIST -> dt.isFloating();
            case INT64_LIST -> !dt.isFloating();
            case BYTES_LIST -> false;
            case KIND_NOT_SET -> n == 0;
        };
        if (!kindOk) {
            throw new IllegalArgumentException(where + ": feature '" + s.name + "' is a "
                    + f.getKindCase().name().toLowerCase(java.util.Locale.ROOT) + " but " + s.type + " needs an "
                    + expectedKind + (f.hasBytesList() ? "; decode bytes features in a map() over TfRecord.data()" : ""));
        }
        if (found != n) {
            throw new IllegalArgumentException(where + ": feature '" + s.name + "' has " + found + " values but "
                    + s.type + " needs " + n);
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            if (f.hasFloatList()) {
                v[i] = f.getFloatList().getValue(i);
            } else {
                long x = f.getInt64List().getValue(i);
                if ((dt == DType.I32 && x != (int) x) || (dt == DType.BOOL && x != 0 && x != 1)) {
                    throw new IllegalArgumentException(where + ": feature '" + s.name + "' value " + i + " is " + x
                            + ", out of range for " + dt);
                }
                if (dt == DType.I64) {
                    continue; // filled exactly below; a double cannot hold every int64
                }
                v[i] = x;
            }
        }
        if (dt == DType.I64) {
            long[] l = new long[n];
            for (int i = 0; i < n; i++) {
                l[i] = f.getInt64List().getValue(i);
            }
            return HostTensor.wrap(s.type, l);
        }
        return HostTensor.fromDoubles(s.type, v);
    }
}
