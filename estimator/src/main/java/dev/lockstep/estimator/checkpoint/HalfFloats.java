package dev.lockstep.estimator.checkpoint;

/**
 * The 2-byte float encodings safetensors stores for BF16 and F16. Host tensors keep these dtypes as
 * {@code float} values that may not be exactly representable yet, so encoding rounds to nearest even,
 * the rounding PyTorch and JAX use for {@code float32 -> bfloat16/float16} casts.
 */
final class HalfFloats {
    private HalfFloats() {
    }

    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fff_ffff) > 0x7f80_0000) {
            // NaN: truncation could clear every mantissa bit and turn it into infinity; force a quiet NaN.
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    static float fromBf16(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }

    static short toF16(float f) {
        return Float.floatToFloat16(f);
    }

    static float fromF16(short h) {
        return Float.float16ToFloat(h);
    }
}
