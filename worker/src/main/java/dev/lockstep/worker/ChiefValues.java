package dev.lockstep.worker;

import dev.lockstep.collective.AllReducer;
import dev.lockstep.collective.BucketLayout;
import dev.lockstep.collective.TensorSpec;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rank 0's values on every rank, bitwise, through the all-reduce: rank 0 contributes its values and
 * every other rank the additive identity that is exact for every value, {@code -0.0} for floating point
 * ({@code x + -0.0 == x} bit for bit, {@code -0.0} and NaN included; {@code +0.0} would turn a
 * {@code -0.0} into {@code +0.0}) and 0 for integers. Booleans travel as 0/1 integers. The layout is
 * the values' paths in the order given, which every rank builds identically.
 */
final class ChiefValues {
    private ChiefValues() {}

    static Map<String, HostTensor> broadcast(AllReducer reducer, int rank, Map<String, HostTensor> values,
                                             long bucketCapBytes) {
        List<TensorSpec> specs = new ArrayList<>(values.size());
        Map<String, ByteBuffer> buffers = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : values.entrySet()) {
            HostTensor v = e.getValue();
            DType wire = wireType(v.dtype());
            specs.add(new TensorSpec(e.getKey(), wire, v.size()));
            ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(v.size(), wire.byteSize()))
                    .order(ByteOrder.LITTLE_ENDIAN);
            write(v, b, rank == 0);
            buffers.put(e.getKey(), b);
        }
        reducer.reduce(BucketLayout.of(specs, bucketCapBytes), buffers);
        Map<String, HostTensor> out = new LinkedHashMap<>();
        values.forEach((path, v) -> out.put(path, read(v, buffers.get(path))));
        return out;
    }

    private static DType wireType(DType d) {
        return switch (d) {
            case F32, BF16, F16 -> DType.F32;
            case F64 -> DType.F64;
            case I32, BOOL -> DType.I32;
            case I64 -> DType.I64;
        };
    }

    private static void write(HostTensor v, ByteBuffer b, boolean chief) {
        switch (v.array()) {
            case float[] a -> b.asFloatBuffer().put(chief ? a : filled(a.length, -0.0f));
            case double[] a -> {
                double[] z = new double[a.length];
                java.util.Arrays.fill(z, -0.0);
                b.asDoubleBuffer().put(chief ? a : z);
            }
            case int[] a -> b.asIntBuffer().put(chief ? a : new int[a.length]);
            case long[] a -> b.asLongBuffer().put(chief ? a : new long[a.length]);
            case boolean[] a -> {
                int[] bits = new int[a.length];
                for (int i = 0; chief && i < a.length; i++) {
                    bits[i] = a[i] ? 1 : 0;
                }
                b.asIntBuffer().put(bits);
            }
            default -> throw new IllegalArgumentException("cannot broadcast " + v);
        }
    }

    private static float[] filled(int n, float x) {
        float[] f = new float[n];
        java.util.Arrays.fill(f, x);
        return f;
    }

    private static HostTensor read(HostTensor like, ByteBuffer b) {
        b.rewind();
        Object array = switch (like.array()) {
            case float[] a -> {
                float[] f = new float[a.length];
                b.asFloatBuffer().get(f);
                yield f;
            }
            case double[] a -> {
                double[] d = new double[a.length];
                b.asDoubleBuffer().get(d);
                yield d;
            }
            case int[] a -> {
                int[] i = new int[a.length];
                b.asIntBuffer().get(i);
                yield i;
            }
            case long[] a -> {
                long[] l = new long[a.length];
                b.asLongBuffer().get(l);
                yield l;
            }
            case boolean[] a -> {
                int[] bits = new int[a.length];
                b.asIntBuffer().get(bits);
                boolean[] z = new boolean[a.length];
                for (int i = 0; i < z.length; i++) {
                    z[i] = bits[i] != 0;
                }
                yield z;
            }
            default -> throw new IllegalArgumentException("cannot broadcast " + like);
        };
        return HostTensor.wrap(like.type(), array);
    }
}
