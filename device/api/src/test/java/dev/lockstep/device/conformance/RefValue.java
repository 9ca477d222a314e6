package dev.lockstep.device.conformance;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;

/**
 * A tensor inside the reference interpreter. Floating dtypes are held as f64 values already
 * rounded to their dtype's precision; integers and bools as exact i64 (bool: 0 or 1), so i64 keys
 * and wrap-around stay exact where doubles would not.
 */
final class RefValue {
    final TensorType type;
    final double[] f;
    final long[] i;

    RefValue(TensorType type, double[] f, long[] i) {
        this.type = type;
        this.f = f;
        this.i = i;
    }

    TensorType type() {
        return type;
    }

    static RefValue zeros(TensorType type) {
        int n = (int) type.shape().size();
        return type.dtype().isFloating() ? new RefValue(type, new double[n], null) : new RefValue(type, null, new long[n]);
    }

    boolean isFloat() {
        return f != null;
    }

    int size() {
        return isFloat() ? f.length : i.length;
    }

    DType dtype() {
        return type.dtype();
    }

    int[] dims() {
        return type.shape().dims();
    }

    /** Element {@code k} as a double (exact for floats; integers beyond 2^53 round). */
    double get(int k) {
        return isFloat() ? f[k] : i[k];
    }

    /** Copies element {@code from} of {@code src} (same dtype) into element {@code to} of this. */
    void copy(int to, RefValue src, int from) {
        if (isFloat()) {
            f[to] = src.f[from];
        } else {
            i[to] = src.i[from];
        }
    }

    static RefValue fromHost(HostTensor h) {
        TensorType t = h.type();
        RefValue v = zeros(t);
        Object a = h.array();
        for (int k = 0; k < v.size(); k++) {
            switch (a) {
                case float[] x -> v.f[k] = Rounding.round(t.dtype(), x[k]);
                case double[] x -> v.f[k] = x[k];
                case int[] x -> v.i[k] = x[k];
                case long[] x -> v.i[k] = x[k];
                case boolean[] x -> v.i[k] = x[k] ? 1 : 0;
                default -> throw new IllegalArgumentException("unexpected backing array " + a.getClass());
            }
        }
        return v;
    }

    HostTensor toHost() {
        int n = size();
        Object a = switch (dtype()) {
            case F32, BF16, F16 -> {
                float[] x = new float[n];
                for (int k = 0; k < n; k++) {
                    x[k] = (float) f[k];
                }
                yield x;
            }
            case F64 -> f.clone();
            case I32 -> {
                int[] x = new int[n];
                for (int k = 0; k < n; k++) {
                    x[k] = (int) i[k];
                }
                yield x;
            }
            case I64 -> i.clone();
            case BOOL -> {
                boolean[] x = new boolean[n];
                for (int k = 0; k < n; k++) {
                    x[k] = i[k] != 0;
                }
                yield x;
            }
        };
        return HostTensor.wrap(type, a);
    }
}
