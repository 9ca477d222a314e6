package dev.lockstep.device.nd4j;

import dev.lockstep.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Element access to dense row-major device memory by dtype. Floating values travel as double and are
 * rounded on store (bf16/f16 round to nearest even); integers travel as long so i64 stays exact.
 * Bool is one byte, 0 or 1. Used by the generic kernels; hot f32/f64 paths use typed loops instead.
 */
final class Mem {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private Mem() {}

    static double getD(DType t, MemorySegment s, long i) {
        return switch (t) {
            case F32 -> s.getAtIndex(F32, i);
            case F64 -> s.getAtIndex(F64, i);
            case BF16 -> Float.intBitsToFloat((s.getAtIndex(I16, i) & 0xFFFF) << 16);
            case F16 -> Float.float16ToFloat(s.getAtIndex(I16, i));
            case I32 -> s.getAtIndex(I32, i);
            case I64 -> s.getAtIndex(I64, i);
            case BOOL -> s.get(ValueLayout.JAVA_BYTE, i) != 0 ? 1 : 0;
        };
    }

    static void setD(DType t, MemorySegment s, long i, double v) {
        switch (t) {
            case F32 -> s.setAtIndex(F32, i, (float) v);
            case F64 -> s.setAtIndex(F64, i, v);
            case BF16 -> s.setAtIndex(I16, i, toBf16((float) v));
            case F16 -> s.setAtIndex(I16, i, Float.floatToFloat16((float) v));
            // Float to integer truncates toward zero (the cast does), saturating out of range.
            case I32 -> s.setAtIndex(I32, i, (int) v);
            case I64 -> s.setAtIndex(I64, i, (long) v);
            case BOOL -> s.set(ValueLayout.JAVA_BYTE, i, (byte) (v != 0 ? 1 : 0));
        }
    }

    static long getL(DType t, MemorySegment s, long i) {
        return switch (t) {
            case I32 -> s.getAtIndex(I32, i);
            case I64 -> s.getAtIndex(I64, i);
            case BOOL -> s.get(ValueLayout.JAVA_BYTE, i);
            default -> (long) getD(t, s, i);
        };
    }

    /** Stores an integer value; i32 wraps (two's complement), as integer arithmetic does. */
    static void setL(DType t, MemorySegment s, long i, long v) {
        switch (t) {
            case I32 -> s.setAtIndex(I32, i, (int) v);
            case I64 -> s.setAtIndex(I64, i, v);
            case BOOL -> s.set(ValueLayout.JAVA_BYTE, i, (byte) (v != 0 ? 1 : 0));
            default -> setD(t, s, i, v);
        }
    }

    /** Round-to-nearest-even conversion to bfloat16 bits; NaN stays a quiet NaN. */
    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    static long bytes(DType t, long elements) {
        return elements * t.byteSize();
    }
}
