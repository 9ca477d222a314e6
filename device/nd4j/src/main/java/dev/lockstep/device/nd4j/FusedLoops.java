package dev.lockstep.device.nd4j;

import dev.lockstep.graph.BinaryOp;
import dev.lockstep.graph.UnaryOp;

/**
 * The loops of {@link FusedKernel} over L1-sized float arrays, one per op so each vectorises.
 * Arithmetic matches the unfused f32 kernels bit for bit; comparisons and selects work on the
 * values' bits in int arrays, masks being all ones or all zeros.
 */
final class FusedLoops {
    private FusedLoops() {}

    static void unary(UnaryOp op, float[] a, float[] o, int n) {
        switch (op) {
            case UnaryOp.Negate u -> {
                for (int i = 0; i < n; i++) {
                    o[i] = -a[i];
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    o[i] = (float) Elementwise.unaryDouble(op, a[i]);
                }
            }
        }
    }

    static void binary(int op, float[] a, float[] b, float[] o, int n) {
        switch (op) {
            case BinaryLoops.ADD -> {
                for (int i = 0; i < n; i++) {
                    o[i] = a[i] + b[i];
                }
            }
            case BinaryLoops.SUB -> {
                for (int i = 0; i < n; i++) {
                    o[i] = a[i] - b[i];
                }
            }
            case BinaryLoops.MUL -> {
                for (int i = 0; i < n; i++) {
                    o[i] = a[i] * b[i];
                }
            }
            case BinaryLoops.DIV -> {
                for (int i = 0; i < n; i++) {
                    o[i] = a[i] / b[i];
                }
            }
            case BinaryLoops.MAX -> {
                for (int i = 0; i < n; i++) {
                    o[i] = Math.max(a[i], b[i]);
                }
            }
            case BinaryLoops.MIN -> {
                for (int i = 0; i < n; i++) {
                    o[i] = Math.min(a[i], b[i]);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    o[i] = (float) BinaryLoops.real(op, a[i], b[i]);
                }
            }
        }
    }

    /**
     * All-ones where {@code a dir b}, else 0, over the IEEE bits of f32 values: each side becomes an
     * integer that orders like the float (sign-magnitude to two's complement, so -0 == +0), and a
     * NaN on either side makes every direction false but NE. Integer arithmetic only, so the loops
     * vectorise where a float compare-and-branch would mispredict on every other element.
     */
    static void compare(BinaryOp.Direction dir, int[] a, int[] b, int[] o, int n) {
        switch (dir) {
            case EQ -> {
                for (int i = 0; i < n; i++) {
                    o[i] = eq(a[i], b[i]);
                }
            }
            case NE -> {
                for (int i = 0; i < n; i++) {
                    o[i] = ~eq(a[i], b[i]);
                }
            }
            case LT -> {
                for (int i = 0; i < n; i++) {
                    o[i] = lt(key(a[i]), key(b[i])) & ordered(a[i], b[i]);
                }
            }
            case LE -> {
                for (int i = 0; i < n; i++) {
                    o[i] = ~lt(key(b[i]), key(a[i])) & ordered(a[i], b[i]);
                }
            }
            case GT -> {
                for (int i = 0; i < n; i++) {
                    o[i] = lt(key(b[i]), key(a[i])) & ordered(a[i], b[i]);
                }
            }
            case GE -> {
                for (int i = 0; i < n; i++) {
                    o[i] = ~lt(key(a[i]), key(b[i])) & ordered(a[i], b[i]);
                }
            }
        }
    }

    /** The bits of {@code mask ? a : b} for an all-ones or all-zeros mask. */
    static void select(int[] mask, int[] a, int[] b, int[] o, int n) {
        for (int i = 0; i < n; i++) {
            int m = mask[i];
            o[i] = (a[i] & m) | (b[i] & ~m);
        }
    }

    /** f32 bits to an int with the same order (for non-NaN values), both zeros mapping to 0. */
    private static int key(int bits) {
        int s = bits >> 31;
        return ((bits & 0x7FFFFFFF) ^ s) - s;
    }

    /** All-ones when neither side is NaN. */
    private static int ordered(int a, int b) {
        return ~(((0x7F800000 - (a & 0x7FFFFFFF)) | (0x7F800000 - (b & 0x7FFFFFFF))) >> 31);
    }

    /** All-ones when x < y (signed), without overflow. */
    private static int lt(int x, int y) {
        int d = x - y;
        return (d ^ ((x ^ y) & (d ^ x))) >> 31;
    }

    private static int eq(int a, int b) {
        int d = key(a) - key(b);
        return ~((d | -d) >> 31) & ordered(a, b);
    }
}
