package dev.lockstep.device.xla;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.util.Locale;

/**
 * Dense literals ({@code dense<...> : tensor<...>}). Floats are written as the hex bit pattern of the
 * target type (MLIR accepts {@code 0x7FC00000} for an f32), so NaN, infinities, negative zero and
 * every rounding are exact: decimal text would be rounded a second time by the parser.
 */
final class Literals {
    private Literals() {}

    /** {@code values} holds one element (a splat) or every element in row-major order. */
    static String dense(TensorType type, double[] values) {
        StringBuilder b = new StringBuilder("dense<");
        Shape s = type.shape();
        if (values.length == 1 || s.size() == 0) {
            b.append(element(type.dtype(), values.length == 0 ? 0 : values[0]));
        } else {
            nested(b, type.dtype(), s, 0, 0, values);
        }
        return b.append("> : ").append(type.mlir()).toString();
    }

    private static long nested(StringBuilder b, DType d, Shape s, int axis, long at, double[] values) {
        if (axis == s.rank()) {
            b.append(element(d, values[(int) at]));
            return at + 1;
        }
        b.append('[');
        for (int i = 0; i < s.dim(axis); i++) {
            if (i > 0) {
                b.append(", ");
            }
            at = nested(b, d, s, axis + 1, at, values);
        }
        b.append(']');
        return at;
    }

    static String element(DType d, double v) {
        return switch (d) {
            case F32 -> hex(Float.floatToRawIntBits((float) v) & 0xFFFFFFFFL, 8);
            case F64 -> hex(Double.doubleToRawLongBits(v), 16);
            case BF16 -> hex(bf16Bits((float) v), 4);
            case F16 -> hex(Float.floatToFloat16((float) v) & 0xFFFF, 4);
            case I32, I64 -> Long.toString((long) v);
            case BOOL -> v != 0 ? "true" : "false";
        };
    }

    /** bfloat16 bits of {@code f}, rounded to nearest even (NaN stays a quiet NaN). */
    static int bf16Bits(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return ((bits >>> 16) | 0x40) & 0xFFFF;
        }
        return ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16) & 0xFFFF;
    }

    /** {@code f} rounded to bfloat16 and widened back. */
    static float roundBf16(float f) {
        return Float.intBitsToFloat(bf16Bits(f) << 16);
    }

    static float roundF16(float f) {
        return Float.float16ToFloat(Float.floatToFloat16(f));
    }

    private static String hex(long bits, int digits) {
        String h = Long.toHexString(bits).toUpperCase(Locale.ROOT);
        return "0x" + "0".repeat(Math.max(0, digits - h.length())) + h;
    }

    /** An i64 array attribute: {@code array<i64: 1, 2>} ({@code array<i64>} when empty). */
    static String i64s(int... values) {
        if (values.length == 0) {
            return "array<i64>";
        }
        StringBuilder b = new StringBuilder("array<i64: ");
        for (int i = 0; i < values.length; i++) {
            b.append(i > 0 ? ", " : "").append(values[i]);
        }
        return b.append('>').toString();
    }

    /** A dimension list inside a dimension-numbers attribute: {@code [0, 1]}. */
    static String list(int... values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            b.append(i > 0 ? ", " : "").append(values[i]);
        }
        return b.append(']').toString();
    }

    /** Padding as StableHLO wants it: {@code dense<[[lo, hi], ...]> : tensor<Nx2xi64>}. */
    static String padding(int[] low, int[] high) {
        StringBuilder b = new StringBuilder("dense<");
        if (low.length == 0) {
            b.append("0");
        } else {
            b.append('[');
            for (int i = 0; i < low.length; i++) {
                b.append(i > 0 ? ", " : "").append('[').append(low[i]).append(", ").append(high[i]).append(']');
            }
            b.append(']');
        }
        return b.append("> : tensor<").append(low.length).append("x2xi64>").toString();
    }
}
