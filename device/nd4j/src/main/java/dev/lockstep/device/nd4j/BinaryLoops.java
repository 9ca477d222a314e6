package dev.lockstep.device.nd4j;

import static dev.lockstep.device.nd4j.Mem.F32;
import static dev.lockstep.device.nd4j.Mem.F64;

import dev.lockstep.tensor.DType;
import java.lang.foreign.MemorySegment;

/** Typed loops of the arithmetic binary ops; one loop per op so each stays simple enough to vectorise. */
final class BinaryLoops {
    static final int ADD = 0, SUB = 1, MUL = 2, DIV = 3, MAX = 4, MIN = 5, POW = 6;

    private BinaryLoops() {}

    static void f32(int op, MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment o, long oo,
                    int n) {
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++) {
                    o.setAtIndex(F32, oo + i, a.getAtIndex(F32, ao + i) + b.getAtIndex(F32, bo + i));
                }
            }
            case SUB -> {
                for (int i = 0; i < n; i++) {
                    o.setAtIndex(F32, oo + i, a.getAtIndex(F32, ao + i) - b.getAtIndex(F32, bo + i));
                }
            }
            case MUL -> {
                for (int i = 0; i < n; i++) {
                    o.setAtIndex(F32, oo + i, a.getAtIndex(F32, ao + i) * b.getAtIndex(F32, bo + i));
                }
            }
            case DIV -> {
                for (int i = 0; i < n; i++) {
                    o.setAtIndex(F32, oo + i, a.getAtIndex(F32, ao + i) / b.getAtIndex(F32, bo + i));
                }
            }
            case MAX -> {
                for (int i = 0; i < n; i++) {
                    o.setAtIndex(F32, oo + i, Math.max(a.getAtIndex(F32, ao + i), b.getAtIndex(F32, bo + i)));
                }
            }
            case MIN -> {
                for (int i = 0; i < n; i++) {
                    o.setAtIndex(F32, oo + i, Math.min(a.getAtIndex(F32, ao + i), b.getAtIndex(F32, bo + i)));
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    o.setAtIndex(F32, oo + i, (float) real(op, a.getAtIndex(F32, ao + i), b.getAtIndex(F32, bo + i)));
                }
            }
        }
    }

    static void f64(int op, MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment o, long oo,
                    int n) {
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++) {
                    o.setAtIndex(F64, oo + i, a.getAtIndex(F64, ao + i) + b.getAtIndex(F64, bo + i));
                }
            }
            case MUL -> {
                for (int i = 0; i < n; i++) {
                    o.setAtIndex(F64, oo + i, a.getAtIndex(F64, ao + i) * b.getAtIndex(F64, bo + i));
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    o.setAtIndex(F64, oo + i, real(op, a.getAtIndex(F64, ao + i), b.getAtIndex(F64, bo + i)));
                }
            }
        }
    }

    static double real(int op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case POW -> Math.pow(a, b);
            default -> throw new IllegalStateException("binary op code " + op);
        };
    }

    /** Integer semantics of XLA: wrapping arithmetic; x / 0 = -1; MIN / -1 = MIN; negative powers truncate. */
    static long integer(int op, DType d, long a, long b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> {
                if (b == 0) {
                    yield -1;
                }
                long min = d == DType.I32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
                yield a == min && b == -1 ? min : a / b;
            }
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case POW -> pow(a, b, d);
            default -> throw new IllegalStateException("binary op code " + op);
        };
    }

    private static long pow(long base, long exp, DType d) {
        if (exp < 0) {
            return base == 1 ? 1 : base == -1 ? ((exp & 1) == 0 ? 1 : -1) : 0;
        }
        long r = 1;
        while (exp > 0) {
            if ((exp & 1) != 0) {
                r = d == DType.I32 ? (int) (r * base) : r * base;
            }
            base = d == DType.I32 ? (int) (base * base) : base * base;
            exp >>= 1;
        }
        return r;
    }
}
