package dev.lockstep.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense row-major tensor in Java heap memory, for moving data to and from devices. Backing arrays
 * by dtype: f32, bf16 and f16 use {@code float[]} (bf16/f16 values are rounded by the device), f64
 * {@code double[]}, i32 {@code int[]}, i64 {@code long[]}, bool {@code boolean[]}. Treat the array
 * returned by {@link #array()} as read-only.
 */
public final class HostTensor {
    private final TensorType type;
    private final Object data;

    private HostTensor(TensorType type, Object data) {
        this.type = Objects.requireNonNull(type, "type");
        this.data = data;
        int len = java.lang.reflect.Array.getLength(data);
        if (len != type.shape().size()) {
            throw new IllegalArgumentException("host tensor of type " + type + " needs " + type.shape().size()
                    + " elements, got " + len);
        }
        Class<?> expected = arrayClass(type.dtype());
        if (data.getClass() != expected) {
            throw new IllegalArgumentException("host tensor of dtype " + type.dtype() + " needs a "
                    + expected.getSimpleName() + ", got " + data.getClass().getSimpleName());
        }
    }

    /** Wraps (does not copy) {@code array}, which must be the backing array class for the dtype. */
    public static HostTensor wrap(TensorType type, Object array) {
        return new HostTensor(type, array);
    }

    public static HostTensor ofFloats(float[] data, int... dims) {
        return new HostTensor(TensorType.of(DType.F32, dims), data);
    }

    public static HostTensor ofDoubles(double[] data, int... dims) {
        return new HostTensor(TensorType.of(DType.F64, dims), data);
    }

    public static HostTensor ofInts(int[] data, int... dims) {
        return new HostTensor(TensorType.of(DType.I32, dims), data);
    }

    public static HostTensor ofLongs(long[] data, int... dims) {
        return new HostTensor(TensorType.of(DType.I64, dims), data);
    }

    public static HostTensor ofBools(boolean[] data, int... dims) {
        return new HostTensor(TensorType.of(DType.BOOL, dims), data);
    }

    public static HostTensor scalar(DType dtype, double v) {
        return fromDoubles(new TensorType(dtype, Shape.scalar()), new double[] {v});
    }

    /** Converts f64 values to {@code type}'s dtype (integers truncate toward zero, bool is v != 0). */
    public static HostTensor fromDoubles(TensorType type, double[] values) {
        int n = values.length;
        Object a = switch (type.dtype()) {
            case F32, BF16, F16 -> {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) values[i];
                }
                yield f;
            }
            case F64 -> values.clone();
            case I32 -> {
                int[] x = new int[n];
                for (int i = 0; i < n; i++) {
                    x[i] = (int) values[i];
                }
                yield x;
            }
            case I64 -> {
                long[] x = new long[n];
                for (int i = 0; i < n; i++) {
                    x[i] = (long) values[i];
                }
                yield x;
            }
            case BOOL -> {
                boolean[] x = new boolean[n];
                for (int i = 0; i < n; i++) {
                    x[i] = values[i] != 0;
                }
                yield x;
            }
        };
        return new HostTensor(type, a);
    }

    /** A zero-filled tensor. */
    public static HostTensor zeros(TensorType type) {
        return new HostTensor(type, java.lang.reflect.Array.newInstance(
                arrayClass(type.dtype()).getComponentType(), (int) type.shape().size()));
    }

    public TensorType type() {
        return type;
    }

    public Shape shape() {
        return type.shape();
    }

    public DType dtype() {
        return type.dtype();
    }

    public int size() {
        return (int) type.shape().size();
    }

    /** The backing array (see class comment for its class). */
    public Object array() {
        return data;
    }

    public float[] floats() {
        return (float[]) data;
    }

    public double getDouble(int i) {
        return switch (data) {
            case float[] f -> f[i];
            case double[] d -> d[i];
            case int[] x -> x[i];
            case long[] x -> x[i];
            case boolean[] x -> x[i] ? 1 : 0;
            default -> throw new IllegalStateException();
        };
    }

    public long getLong(int i) {
        return data instanceof long[] x ? x[i] : (long) getDouble(i);
    }

    public double[] toDoubles() {
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getDouble(i);
        }
        return out;
    }

    static Class<?> arrayClass(DType d) {
        return switch (d) {
            case F32, BF16, F16 -> float[].class;
            case F64 -> double[].class;
            case I32 -> int[].class;
            case I64 -> long[].class;
            case BOOL -> boolean[].class;
        };
    }

    /**
     * Writes the elements into {@code dst} from its position, little-endian, in the host representation
     * (f32 for bf16 and f16, one byte per bool); {@code dst}'s position is left unchanged.
     */
    public void putLittleEndian(java.nio.ByteBuffer dst) {
        java.nio.ByteBuffer b = dst.slice().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        switch (data) {
            case float[] f -> b.asFloatBuffer().put(f);
            case double[] d -> b.asDoubleBuffer().put(d);
            case int[] x -> b.asIntBuffer().put(x);
            case long[] x -> b.asLongBuffer().put(x);
            case boolean[] z -> {
                for (int i = 0; i < z.length; i++) {
                    b.put(i, (byte) (z[i] ? 1 : 0));
                }
            }
            default -> throw new IllegalStateException("unexpected host array " + data.getClass());
        }
    }

    /** The number of bytes {@link #putLittleEndian} writes for a tensor of {@code type}. */
    public static long littleEndianBytes(TensorType type) {
        int size = switch (type.dtype()) {
            case F32, BF16, F16, I32 -> 4;
            case F64, I64 -> 8;
            case BOOL -> 1;
        };
        return Math.multiplyExact(type.shape().size(), (long) size);
    }

    /** A tensor of {@code type} read from {@code src}'s position in {@link #putLittleEndian}'s layout. */
    public static HostTensor fromLittleEndian(TensorType type, java.nio.ByteBuffer src) {
        HostTensor h = zeros(type);
        java.nio.ByteBuffer b = src.slice().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        switch (h.data) {
            case float[] f -> b.asFloatBuffer().get(f);
            case double[] d -> b.asDoubleBuffer().get(d);
            case int[] x -> b.asIntBuffer().get(x);
            case long[] x -> b.asLongBuffer().get(x);
            case boolean[] z -> {
                for (int i = 0; i < z.length; i++) {
                    z[i] = b.get(i) != 0;
                }
            }
            default -> throw new IllegalStateException("unexpected host array " + h.data.getClass());
        }
        return h;
    }

    @Override
    public String toString() {
        String v = size() <= 16 ? Arrays.toString(toDoubles()) : "[" + size() + " elements]";
        return "HostTensor(" + type + ", " + v + ")";
    }
}
