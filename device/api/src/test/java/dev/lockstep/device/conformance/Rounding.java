package dev.lockstep.device.conformance;

import dev.lockstep.tensor.DType;

/**
 * Rounds exact (f64) results to a dtype: floats to nearest-even at the dtype's precision,
 * integers wrap to their width (two's complement), bools are 0 or 1.
 */
final class Rounding {
    private Rounding() {}

    /** {@code v} rounded to floating dtype {@code d} (f64 unchanged). */
    static double round(DType d, double v) {
        return switch (d) {
            case F64 -> v;
            case F32 -> (float) v;
            case BF16 -> bf16(toOdd(v));
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(toOdd(v)));
            case I32, I64, BOOL -> throw new IllegalArgumentException("round() is for floating dtypes, got " + d);
        };
    }

    /** Integer {@code v} wrapped to the width of integer (or bool) dtype {@code d}. */
    static long wrap(DType d, long v) {
        return switch (d) {
            case I32 -> (int) v;
            case I64 -> v;
            case BOOL -> v != 0 ? 1 : 0;
            case F32, F64, BF16, F16 -> throw new IllegalArgumentException("wrap() is for integer dtypes, got " + d);
        };
    }

    /**
     * Rounds to float with round-to-odd: the float keeps a sticky last bit when inexact, so a second
     * rounding to a narrower format (bf16, f16) is correctly rounded, free of double-rounding errors.
     */
    static float toOdd(double v) {
        float r = (float) v;
        if (Double.isNaN(v) || Float.isInfinite(r) || r == v) {
            return r;
        }
        if (Math.abs((double) r) > Math.abs(v)) {
            r = Math.nextAfter(r, 0.0);
        }
        return Float.intBitsToFloat(Float.floatToRawIntBits(r) | 1);
    }

    /** Float {@code x} rounded to bfloat16 (nearest, ties to even), as a float. */
    static float bf16(float x) {
        if (Float.isNaN(x)) {
            return x;
        }
        int bits = Float.floatToRawIntBits(x);
        bits += 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(bits & 0xFFFF0000);
    }
}
