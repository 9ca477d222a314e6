package dev.lockstep.data;

import com.google.protobuf.ByteString;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.Shape;
import dev.lockstep.proto.v1.Example;
import dev.lockstep.proto.v1.Feature;
import dev.lockstep.proto.v1.Features;
import dev.lockstep.proto.v1.FloatList;
import dev.lockstep.proto.v1.Int64List;
import dev.lockstep.tensor.TensorType;
import java.lang.reflect.Array;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Examples are maps of named tensors (features and labels alike); these helpers slice, stack and encode them. */
public final class Examples {
    private Examples() {}

    /**
     * Stacks examples into one batch with the same names: each tensor of type {@code t[d...]} becomes
     * {@code t[n, d...]}. Every example must have the same names and types as the first.
     */
    public static Map<String, HostTensor> stack(List<Map<String, HostTensor>> examples) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("stack: no examples");
        }
        Map<String, HostTensor> first = examples.getFirst();
        int n = examples.size();
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (var e : first.entrySet()) {
            TensorType type = e.getValue().type();
            int size = e.getValue().size();
            Object data = Array.newInstance(e.getValue().array().getClass().getComponentType(), n * size);
            for (int i = 0; i < n; i++) {
                HostTensor t = examples.get(i).get(e.getKey());
                if (t == null || !t.type().equals(type)) {
                    throw new IllegalArgumentException("stack: example " + i + " of the batch has "
                            + (t == null ? "no feature '" + e.getKey() + "'" : "feature '" + e.getKey() + "' of type "
                            + t.type()) + " but example 0 has " + type + "; examples of a batch need equal types");
                }
                System.arraycopy(t.array(), 0, data, i * size, size);
            }
            out.put(e.getKey(), HostTensor.wrap(type.withShape(prepend(n, type.shape())), data));
        }
        for (int i = 1; i < n; i++) {
            if (!examples.get(i).keySet().equals(first.keySet())) {
                throw new IllegalArgumentException("stack: example " + i + " has features " + examples.get(i).keySet()
                        + " but example 0 has " + first.keySet());
            }
        }
        return out;
    }

    /** Row {@code i} (along axis 0) of every column. */
    static Map<String, HostTensor> row(Map<String, HostTensor> columns, int i) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (var e : columns.entrySet()) {
            HostTensor t = e.getValue();
            int[] dims = t.shape().dims();
            int size = t.size() / dims[0];
            Object data = Array.newInstance(t.array().getClass().getComponentType(), size);
            System.arraycopy(t.array(), i * size, data, 0, size);
            int[] rest = java.util.Arrays.copyOfRange(dims, 1, dims.length);
            out.put(e.getKey(), HostTensor.wrap(t.type().withShape(Shape.of(rest)), data));
        }
        return out;
    }

    /** The first dimension shared by all columns; an error names the columns that disagree. */
    static int commonLeadingDim(Map<String, HostTensor> columns) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("tensors: need at least one named tensor");
        }
        String firstName = null;
        int n = -1;
        for (var e : columns.entrySet()) {
            if (e.getValue().shape().rank() == 0) {
                throw new IllegalArgumentException("tensors: '" + e.getKey() + "' is a scalar; examples are slices "
                        + "along axis 0, so every tensor needs rank >= 1");
            }
            int d = e.getValue().shape().dim(0);
            if (firstName == null) {
                firstName = e.getKey();
                n = d;
            } else if (d != n) {
                throw new IllegalArgumentException("tensors: '" + e.getKey() + "' has " + d + " rows (type "
                        + e.getValue().type() + ") but '" + firstName + "' has " + n);
            }
        }
        return n;
    }

    /**
     * Encodes an example as a {@code tf.train.Example}: floating tensors as float_list, integer and bool
     * tensors as int64_list, flattened row-major (the format stores no shapes; the parser supplies them).
     */
    public static Example toProto(Map<String, HostTensor> example) {
        Features.Builder fs = Features.newBuilder();
        for (var e : example.entrySet()) {
            HostTensor t = e.getValue();
            Feature.Builder f = Feature.newBuilder();
            if (t.dtype().isFloating()) {
                FloatList.Builder l = FloatList.newBuilder();
                for (int i = 0; i < t.size(); i++) {
                    l.addValue((float) t.getDouble(i));
                }
                f.setFloatList(l);
            } else {
                Int64List.Builder l = Int64List.newBuilder();
                for (int i = 0; i < t.size(); i++) {
                    l.addValue(t.getLong(i));
                }
                f.setInt64List(l);
            }
            fs.putFeature(e.getKey(), f.build());
        }
        return Example.newBuilder().setFeatures(fs).build();
    }

    /** An example with one bytes feature, e.g. for raw payloads decoded in a later map. */
    public static Example bytesExample(String name, byte[] value) {
        Feature f = Feature.newBuilder()
                .setBytesList(dev.lockstep.proto.v1.BytesList.newBuilder().addValue(ByteString.copyFrom(value)))
                .build();
        return Example.newBuilder().setFeatures(Features.newBuilder().putFeature(name, f)).build();
    }

    private static Shape prepend(int n, Shape s) {
        int[] d = new int[s.rank() + 1];
        d[0] = n;
        System.arraycopy(s.dims(), 0, d, 1, s.rank());
        return Shape.of(d);
    }
}
