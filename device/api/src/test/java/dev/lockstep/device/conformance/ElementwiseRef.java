package dev.lockstep.device.conformance;

import dev.lockstep.graph.BinaryOp;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.UnaryOp;
import dev.lockstep.tensor.TensorType;

/**
 * Elementwise semantics: floats computed in f64 and rounded to the dtype once; integers in exact
 * two's-complement arithmetic wrapped to their width (integer x / 0 = -1 and MIN / -1 = MIN, as
 * XLA defines them; tests avoid both).
 */
final class ElementwiseRef {
    private ElementwiseRef() {}

    static RefValue unary(UnaryOp op, RefValue x, TensorType out) {
        RefValue r = RefValue.zeros(out);
        DType d = out.dtype();
        for (int k = 0; k < r.size(); k++) {
            if (op instanceof UnaryOp.Convert) {
                convert(x, k, r);
            } else if (x.isFloat()) {
                r.f[k] = Rounding.round(d, floatUnary(op, x.f[k]));
            } else {
                r.i[k] = Rounding.wrap(d, intUnary(op, x.i[k]));
            }
        }
        return r;
    }

    private static double floatUnary(UnaryOp op, double v) {
        return switch (op) {
            case UnaryOp.Negate n -> -v;
            case UnaryOp.Abs a -> Math.abs(v);
            case UnaryOp.Exp e -> Math.exp(v);
            case UnaryOp.Log l -> Math.log(v);
            case UnaryOp.Log1p l -> Math.log1p(v);
            case UnaryOp.Sqrt s -> Math.sqrt(v);
            case UnaryOp.Rsqrt s -> 1.0 / Math.sqrt(v);
            case UnaryOp.Tanh t -> Math.tanh(v);
            case UnaryOp.Logistic l -> 1.0 / (1.0 + Math.exp(-v));
            case UnaryOp.Sign s -> Math.signum(v);
            case UnaryOp.Floor f -> Math.floor(v);
            case UnaryOp.Ceil c -> Math.ceil(v);
            case UnaryOp.Convert c -> throw new IllegalStateException("convert is handled separately");
        };
    }

    private static long intUnary(UnaryOp op, long v) {
        return switch (op) {
            case UnaryOp.Negate n -> -v;
            case UnaryOp.Abs a -> Math.abs(v);
            case UnaryOp.Sign s -> Long.signum(v);
            case UnaryOp.Exp e -> throw floatOnly(op);
            case UnaryOp.Log l -> throw floatOnly(op);
            case UnaryOp.Log1p l -> throw floatOnly(op);
            case UnaryOp.Sqrt s -> throw floatOnly(op);
            case UnaryOp.Rsqrt s -> throw floatOnly(op);
            case UnaryOp.Tanh t -> throw floatOnly(op);
            case UnaryOp.Logistic l -> throw floatOnly(op);
            case UnaryOp.Floor f -> throw floatOnly(op);
            case UnaryOp.Ceil c -> throw floatOnly(op);
            case UnaryOp.Convert c -> throw new IllegalStateException("convert is handled separately");
        };
    }

    private static IllegalArgumentException floatOnly(UnaryOp op) {
        return new IllegalArgumentException(op + " is defined only on floating-point operands");
    }

    /** Convert: float to integer truncates toward zero; to bool is x != 0; bool is 0 or 1. */
    private static void convert(RefValue x, int k, RefValue r) {
        DType to = r.dtype();
        if (x.isFloat()) {
            double v = x.f[k];
            if (to.isFloating()) {
                r.f[k] = Rounding.round(to, v);
            } else if (to.isBool()) {
                r.i[k] = v != 0 ? 1 : 0;
            } else {
                r.i[k] = to == DType.I32 ? (long) (int) v : (long) v;
            }
        } else {
            long v = x.i[k];
            if (to.isFloating()) {
                r.f[k] = Rounding.round(to, v);
            } else {
                r.i[k] = Rounding.wrap(to, v);
            }
        }
    }

    static RefValue binary(BinaryOp op, RefValue a, RefValue b, TensorType out) {
        RefValue r = RefValue.zeros(out);
        for (int k = 0; k < r.size(); k++) {
            if (op instanceof BinaryOp.Compare c) {
                boolean t = a.isFloat() ? c.direction().test(a.f[k], b.f[k])
                        : c.direction().test(Long.compare(a.i[k], b.i[k]), 0);
                r.i[k] = t ? 1 : 0;
            } else if (a.isFloat()) {
                r.f[k] = Rounding.round(out.dtype(), floatBinary(op, a.f[k], b.f[k]));
            } else {
                r.i[k] = Rounding.wrap(out.dtype(), intBinary(op, a.i[k], b.i[k], out.dtype()));
            }
        }
        return r;
    }

    private static double floatBinary(BinaryOp op, double x, double y) {
        return switch (op) {
            case BinaryOp.Add o -> x + y;
            case BinaryOp.Subtract o -> x - y;
            case BinaryOp.Multiply o -> x * y;
            case BinaryOp.Divide o -> x / y;
            case BinaryOp.Maximum o -> Double.isNaN(x) || Double.isNaN(y) ? Double.NaN : Math.max(x, y);
            case BinaryOp.Minimum o -> Double.isNaN(x) || Double.isNaN(y) ? Double.NaN : Math.min(x, y);
            case BinaryOp.Power o -> Math.pow(x, y);
            case BinaryOp.Compare o -> throw new IllegalStateException("compare is handled separately");
        };
    }

    private static long intBinary(BinaryOp op, long x, long y, DType d) {
        return switch (op) {
            case BinaryOp.Add o -> x + y;
            case BinaryOp.Subtract o -> x - y;
            case BinaryOp.Multiply o -> x * y;
            // Java's long division truncates toward zero; i32 MIN / -1 wraps back to MIN in wrap().
            case BinaryOp.Divide o -> y == 0 ? -1 : x / y;
            case BinaryOp.Maximum o -> Math.max(x, y);
            case BinaryOp.Minimum o -> Math.min(x, y);
            case BinaryOp.Power o -> intPower(x, y, d);
            case BinaryOp.Compare o -> throw new IllegalStateException("compare is handled separately");
        };
    }

    /** Integer power by squaring with wrap-around; negative exponents give 0 except for bases 1 and -1. */
    static long intPower(long base, long exp, DType d) {
        if (exp < 0) {
            return base == 1 ? 1 : base == -1 ? ((exp & 1) == 0 ? 1 : -1) : 0;
        }
        long result = 1;
        long b = base;
        while (exp > 0) {
            if ((exp & 1) == 1) {
                result = Rounding.wrap(d, result * b);
            }
            b = Rounding.wrap(d, b * b);
            exp >>= 1;
        }
        return result;
    }

    static RefValue select(RefValue pred, RefValue onTrue, RefValue onFalse) {
        RefValue r = RefValue.zeros(onTrue.type());
        for (int k = 0; k < r.size(); k++) {
            r.copy(k, pred.i[k] != 0 ? onTrue : onFalse, k);
        }
        return r;
    }
}
