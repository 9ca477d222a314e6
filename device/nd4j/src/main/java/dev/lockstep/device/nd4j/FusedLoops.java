package dev.lockstep.device.nd4j;

import dev.lockstep.graph.BinaryOp;
import dev.lockstep.graph.UnaryOp;
import java.lang.foreign.MemorySegment;

/**
 * The loops of {@link FusedKernel} over L1-sized float arrays, one per op so each vectorises.
 * Arithmetic matches the unfused f32 kernels bit for bit; comparisons and selects work on the
 * values' bits in int arrays, masks being all ones or all zeros.
 *
 * <p>This class is self-contained on purpose: ops come as int codes and every loop it runs is its
 * own, so {@link FusedKernel} can load a private copy of it per kernel (a hidden class, see
 * {@link FusedKernel}). HotSpot compiles each copy with that kernel's profile alone; shared by every
 * kernel, code compiled for the first program's ops was deoptimised by the next program's and then
 * recompiled without speculation, and an Adam update ran 1.5x slower after an MLP step had run.
 */
final class FusedLoops {
    /** Instruction kinds of {@link #run}. */
    static final int UNARY = 0, BINARY = 1, COMPARE = 2, SELECT = 3, TO_BITS = 4, TO_FLOAT = 5;
    /** Unary op codes. */
    static final int NEG = 0, ABS = 1, EXP = 2, LOG = 3, LOG1P = 4, SQRT = 5, RSQRT = 6, TANH = 7, LOGISTIC = 8,
            SIGN = 9, FLOOR = 10, CEIL = 11;
    /** Comparison codes. */
    static final int EQ = 0, NE = 1, LT = 2, LE = 3, GT = 4, GE = 5;

    private FusedLoops() {}

    /**
     * Runs instructions {@code 0..kind.length-1} over one chunk of {@code len} elements: instruction i
     * reads slots {@code a[i]}, {@code b[i]}, {@code c[i]} and writes slot {@code dst[i]} (floats for
     * arithmetic, bits for comparisons and selects; TO_BITS/TO_FLOAT fill slot a's other view).
     */
    static void run(int[] kind, int[] op, int[] a, int[] b, int[] c, int[] dst, float[][] f, int[][] bits, int len) {
        for (int i = 0; i < kind.length; i++) {
            switch (kind[i]) {
                case UNARY -> unary(op[i], f[a[i]], f[dst[i]], len);
                case BINARY -> binary(op[i], f[a[i]], f[b[i]], f[dst[i]], len);
                case COMPARE -> compare(op[i], bits[a[i]], bits[b[i]], bits[dst[i]], len);
                case SELECT -> select(bits[a[i]], bits[b[i]], bits[c[i]], bits[dst[i]], len);
                // Byte copies between the views (floatToRawIntBits loops do not vectorise).
                case TO_BITS -> MemorySegment.copy(f[a[i]], 0, MemorySegment.ofArray(bits[a[i]]), Mem.F32, 0, len);
                case TO_FLOAT -> MemorySegment.copy(bits[a[i]], 0, MemorySegment.ofArray(f[a[i]]), Mem.I32, 0, len);
                default -> throw new IllegalStateException("instruction kind " + kind[i]);
            }
        }
    }

    /** The code of a unary op for {@link #unary}; every result equals {@code (float) Elementwise.unaryDouble}. */
    static int code(UnaryOp op) {
        return switch (op) {
            case UnaryOp.Negate u -> NEG;
            case UnaryOp.Abs u -> ABS;
            case UnaryOp.Exp u -> EXP;
            case UnaryOp.Log u -> LOG;
            case UnaryOp.Log1p u -> LOG1P;
            case UnaryOp.Sqrt u -> SQRT;
            case UnaryOp.Rsqrt u -> RSQRT;
            case UnaryOp.Tanh u -> TANH;
            case UnaryOp.Logistic u -> LOGISTIC;
            case UnaryOp.Sign u -> SIGN;
            case UnaryOp.Floor u -> FLOOR;
            case UnaryOp.Ceil u -> CEIL;
            case UnaryOp.Convert u -> throw new IllegalStateException("convert is not fused");
        };
    }

    static int code(BinaryOp.Direction dir) {
        return switch (dir) {
            case EQ -> EQ;
            case NE -> NE;
            case LT -> LT;
            case LE -> LE;
            case GT -> GT;
            case GE -> GE;
        };
    }

    static void unary(int op, float[] a, float[] o, int n) {
        switch (op) {
            case NEG -> {
                for (int i = 0; i < n; i++) {
                    o[i] = -a[i];
                }
            }
            case ABS -> {
                for (int i = 0; i < n; i++) {
                    o[i] = Math.abs(a[i]);
                }
            }
            case EXP -> {
                for (int i = 0; i < n; i++) {
                    o[i] = (float) Math.exp(a[i]);
                }
            }
            case LOG -> {
                for (int i = 0; i < n; i++) {
                    o[i] = (float) Math.log(a[i]);
                }
            }
            case LOG1P -> {
                for (int i = 0; i < n; i++) {
                    o[i] = (float) Math.log1p(a[i]);
                }
            }
            case SQRT -> {
                for (int i = 0; i < n; i++) {
                    o[i] = (float) Math.sqrt(a[i]);
                }
            }
            case RSQRT -> {
                for (int i = 0; i < n; i++) {
                    o[i] = (float) (1.0 / Math.sqrt(a[i]));
                }
            }
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    o[i] = (float) Math.tanh(a[i]);
                }
            }
            case LOGISTIC -> {
                for (int i = 0; i < n; i++) {
                    o[i] = (float) (1.0 / (1.0 + Math.exp(-(double) a[i])));
                }
            }
            case SIGN -> {
                for (int i = 0; i < n; i++) {
                    o[i] = (float) Math.signum((double) a[i]);
                }
            }
            case FLOOR -> {
                for (int i = 0; i < n; i++) {
                    o[i] = (float) Math.floor(a[i]);
                }
            }
            case CEIL -> {
                for (int i = 0; i < n; i++) {
                    o[i] = (float) Math.ceil(a[i]);
                }
            }
            default -> throw new IllegalStateException("unary op code " + op);
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
    static void compare(int dir, int[] a, int[] b, int[] o, int n) {
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
            default -> throw new IllegalStateException("comparison code " + dir);
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
