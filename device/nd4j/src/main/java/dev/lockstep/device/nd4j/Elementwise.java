package dev.lockstep.device.nd4j;

import static dev.lockstep.device.nd4j.Mem.F32;
import static dev.lockstep.device.nd4j.Mem.F64;

import dev.lockstep.graph.BinaryOp;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.UnaryOp;
import dev.lockstep.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Elementwise kernels. f32 and f64 arithmetic get typed loops the JIT vectorises; integers compute
 * in long (i32 wraps on store); bf16/f16 compute in double and round on store.
 */
final class Elementwise {
    private Elementwise() {}

    static Kernel unary(UnaryOp op, TensorType t) {
        DType d = t.dtype();
        int n = (int) t.shape().size();
        if (d.isInteger()) {
            return (in, out) -> {
                for (int i = 0; i < n; i++) {
                    Mem.setL(d, out, i, unaryLong(op, Mem.getL(d, in[0], i)));
                }
            };
        }
        if (d == DType.F32) {
            return (in, out) -> {
                MemorySegment x = in[0];
                for (int i = 0; i < n; i++) {
                    out.setAtIndex(F32, i, (float) unaryDouble(op, x.getAtIndex(F32, i)));
                }
            };
        }
        return (in, out) -> {
            for (int i = 0; i < n; i++) {
                Mem.setD(d, out, i, unaryDouble(op, Mem.getD(d, in[0], i)));
            }
        };
    }

    static double unaryDouble(UnaryOp op, double x) {
        return switch (op) {
            case UnaryOp.Negate u -> -x;
            case UnaryOp.Abs u -> Math.abs(x);
            case UnaryOp.Exp u -> Math.exp(x);
            case UnaryOp.Log u -> Math.log(x);
            case UnaryOp.Log1p u -> Math.log1p(x);
            case UnaryOp.Sqrt u -> Math.sqrt(x);
            case UnaryOp.Rsqrt u -> 1.0 / Math.sqrt(x);
            case UnaryOp.Tanh u -> Math.tanh(x);
            case UnaryOp.Logistic u -> 1.0 / (1.0 + Math.exp(-x));
            case UnaryOp.Sign u -> Math.signum(x);
            case UnaryOp.Floor u -> Math.floor(x);
            case UnaryOp.Ceil u -> Math.ceil(x);
            case UnaryOp.Convert u -> throw new IllegalStateException("convert has its own kernel");
        };
    }

    private static long unaryLong(UnaryOp op, long x) {
        return switch (op) {
            case UnaryOp.Negate u -> -x;
            case UnaryOp.Abs u -> Math.abs(x);
            case UnaryOp.Sign u -> Long.signum(x);
            default -> throw new IllegalStateException(op + " is defined only on floats (ShapeRules)");
        };
    }

    static Kernel convert(TensorType from, TensorType to) {
        DType a = from.dtype(), b = to.dtype();
        int n = (int) from.shape().size();
        if (a == DType.F32 && b == DType.F64) {
            return (in, out) -> {
                for (int i = 0; i < n; i++) {
                    out.setAtIndex(F64, i, in[0].getAtIndex(F32, i));
                }
            };
        }
        // The common pairs get loops of their own: one lambda serving every pair is compiled for all of
        // them, with a dtype switch per element (i32 -> f32 for dropout ran at ~6 ns per element in a step).
        if (a == DType.I32 && b == DType.F32) {
            return (in, out) -> {
                for (int i = 0; i < n; i++) {
                    out.setAtIndex(F32, i, (float) in[0].getAtIndex(Mem.I32, i));
                }
            };
        }
        if (a == DType.F32 && b == DType.I32) {
            return (in, out) -> {
                for (int i = 0; i < n; i++) {
                    out.setAtIndex(Mem.I32, i, (int) in[0].getAtIndex(F32, i));
                }
            };
        }
        if (a == DType.BOOL && b == DType.F32) {
            return (in, out) -> {
                for (int i = 0; i < n; i++) {
                    out.setAtIndex(F32, i, in[0].get(ValueLayout.JAVA_BYTE, i) != 0 ? 1f : 0f);
                }
            };
        }
        boolean exact = !a.isFloating() && !b.isFloating();
        return (in, out) -> {
            for (int i = 0; i < n; i++) {
                if (exact) {
                    Mem.setL(b, out, i, Mem.getL(a, in[0], i));
                } else if (b.isInteger()) {
                    double v = Mem.getD(a, in[0], i);
                    Mem.setL(b, out, i, b == DType.I32 ? (long) (int) v : (long) v);
                } else {
                    Mem.setD(b, out, i, Mem.getD(a, in[0], i));
                }
            }
        };
    }

    static Kernel binary(BinaryOp op, TensorType t, List<TensorType> inTypes, KernelContext ctx) {
        DType d = t.dtype();
        int n = (int) t.shape().size();
        int code = code(op);
        if (!Periodic.allFull(inTypes, t, 0)) {
            Periodic p = new Periodic(inTypes, t, ctx, 0);
            return (in, out) -> {
                p.prepare(in);
                MemorySegment a = p.segment(in, 0), b = p.segment(in, 1);
                p.forEachChunk((base, len) -> {
                    if (d == DType.F32) {
                        BinaryLoops.f32(code, a, p.offset(0, base), b, p.offset(1, base), out, base, len);
                    } else {
                        BinaryLoops.f64(code, a, p.offset(0, base), b, p.offset(1, base), out, base, len);
                    }
                });
            };
        }
        if (d == DType.F32) {
            return (in, out) -> BinaryLoops.f32(code, in[0], 0, in[1], 0, out, 0, n);
        }
        if (d == DType.F64) {
            return (in, out) -> BinaryLoops.f64(code, in[0], 0, in[1], 0, out, 0, n);
        }
        if (d.isInteger()) {
            return (in, out) -> {
                for (int i = 0; i < n; i++) {
                    Mem.setL(d, out, i, BinaryLoops.integer(code, d, Mem.getL(d, in[0], i), Mem.getL(d, in[1], i)));
                }
            };
        }
        return (in, out) -> {
            for (int i = 0; i < n; i++) {
                Mem.setD(d, out, i, BinaryLoops.real(code, Mem.getD(d, in[0], i), Mem.getD(d, in[1], i)));
            }
        };
    }

    static int code(BinaryOp op) {
        return switch (op) {
            case BinaryOp.Add b -> BinaryLoops.ADD;
            case BinaryOp.Subtract b -> BinaryLoops.SUB;
            case BinaryOp.Multiply b -> BinaryLoops.MUL;
            case BinaryOp.Divide b -> BinaryLoops.DIV;
            case BinaryOp.Maximum b -> BinaryLoops.MAX;
            case BinaryOp.Minimum b -> BinaryLoops.MIN;
            case BinaryOp.Power b -> BinaryLoops.POW;
            case BinaryOp.Compare b -> throw new IllegalStateException("compare has its own kernel");
        };
    }

    static Kernel compare(BinaryOp.Direction dir, List<TensorType> inTypes, TensorType out, KernelContext ctx) {
        TensorType t = inTypes.get(0).shape().size() == out.shape().size() ? inTypes.get(0) : inTypes.get(1);
        DType d = t.dtype();
        int n = (int) out.shape().size();
        if (!Periodic.allFull(inTypes, out, 0)) {
            Periodic p = new Periodic(inTypes, out.withDType(d), ctx, 0);
            return (in, o) -> {
                p.prepare(in);
                MemorySegment a = p.segment(in, 0), b = p.segment(in, 1);
                p.forEachChunk((base, len) -> CompareLoops.f32(dir, a, p.offset(0, base), b, p.offset(1, base), o, base, len));
            };
        }
        if (d == DType.F32) {
            return (in, o) -> CompareLoops.f32(dir, in[0], 0, in[1], 0, o, 0, n);
        }
        boolean exact = !d.isFloating();
        return (in, o) -> {
            for (int i = 0; i < n; i++) {
                boolean r;
                if (exact) {
                    long a = Mem.getL(d, in[0], i), b = Mem.getL(d, in[1], i);
                    r = dir.test(Long.compare(a, b), 0);
                } else {
                    r = dir.test(Mem.getD(d, in[0], i), Mem.getD(d, in[1], i));
                }
                o.set(ValueLayout.JAVA_BYTE, i, (byte) (r ? 1 : 0));
            }
        };
    }

    /** Branch-free select: the predicate byte (0 or 1) becomes an all-zeros or all-ones mask. */
    static Kernel select(TensorType t, List<TensorType> inTypes, KernelContext ctx) {
        int n = (int) t.shape().size();
        int size = t.dtype().byteSize();
        if (!Periodic.allFull(inTypes, t, 1)) {
            Periodic p = new Periodic(inTypes, t, ctx, 1);
            return (in, out) -> {
                p.prepare(in);
                MemorySegment a = p.segment(in, 1), b = p.segment(in, 2);
                p.forEachChunk((base, len) ->
                        SelectLoops.run(size, in[0], a, p.offset(1, base), b, p.offset(2, base), out, base, len));
            };
        }
        return (in, out) -> SelectLoops.run(size, in[0], in[1], 0, in[2], 0, out, 0, n);
    }
}
