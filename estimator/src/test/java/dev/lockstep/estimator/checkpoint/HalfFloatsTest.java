package dev.lockstep.estimator.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Rounding of f32 values into bf16/f16 encodings; expected bit patterns worked out by hand. */
class HalfFloatsTest {
    private static float f(double d) {
        return (float) d;
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertEquals((short) 0x3F80, HalfFloats.toBf16(1f));
        // 1 + 2^-8 lies exactly between 0x3F80 (1.0) and 0x3F81 (1 + 2^-7): ties go to the even 0x3F80.
        assertEquals((short) 0x3F80, HalfFloats.toBf16(f(1 + Math.pow(2, -8))));
        // 1 + 3 * 2^-8 lies between 0x3F81 and 0x3F82: ties go to the even 0x3F82.
        assertEquals((short) 0x3F82, HalfFloats.toBf16(f(1 + 3 * Math.pow(2, -8))));
        // Just above the halfway point rounds up.
        assertEquals((short) 0x3F81, HalfFloats.toBf16(f(1 + Math.pow(2, -8) + Math.pow(2, -20))));
        assertEquals((short) 0xC040, HalfFloats.toBf16(-3f));
        assertEquals((short) 0x8000, HalfFloats.toBf16(-0f));
        // The largest float rounds past the largest bf16 (0x7F7F) into infinity.
        assertEquals((short) 0x7F80, HalfFloats.toBf16(Float.MAX_VALUE));
        assertEquals((short) 0xFF80, HalfFloats.toBf16(Float.NEGATIVE_INFINITY));
    }

    @Test
    void bf16KeepsNaNsNaN() {
        // A NaN whose payload sits only in the low 16 bits would truncate to infinity.
        float lowPayloadNaN = Float.intBitsToFloat(0x7F80_0001);
        assertTrue(Float.isNaN(HalfFloats.fromBf16(HalfFloats.toBf16(lowPayloadNaN))));
        assertTrue(Float.isNaN(HalfFloats.fromBf16(HalfFloats.toBf16(Float.NaN))));
    }

    @Test
    void bf16DecodesByShifting() {
        assertEquals(1f, HalfFloats.fromBf16((short) 0x3F80));
        assertEquals(-3f, HalfFloats.fromBf16((short) 0xC040));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.fromBf16((short) 0x7F80));
    }

    @Test
    void f16RoundsToNearestEvenAndOverflowsToInfinity() {
        assertEquals((short) 0x3C00, HalfFloats.toF16(1f));
        assertEquals((short) 0x7BFF, HalfFloats.toF16(65504f));
        // 65520 is halfway between 65504 (odd mantissa 0x3FF) and 65536 (not representable): goes to infinity.
        assertEquals((short) 0x7C00, HalfFloats.toF16(65520f));
        // 1 + 2^-11 is halfway between 1.0 (0x3C00) and 1 + 2^-10 (0x3C01): ties to even 0x3C00.
        assertEquals((short) 0x3C00, HalfFloats.toF16(f(1 + Math.pow(2, -11))));
        assertEquals(1f, HalfFloats.fromF16((short) 0x3C00));
        assertEquals(-2f, HalfFloats.fromF16((short) 0xC000));
    }
}
