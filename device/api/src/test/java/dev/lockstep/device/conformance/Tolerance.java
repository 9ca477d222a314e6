package dev.lockstep.device.conformance;

import dev.lockstep.tensor.DType;

/**
 * How far a device result may be from the reference: {@code |actual - expected| <= abs * scale +
 * rel * |expected|}, where {@code scale} is the case's accumulated-error scale (number of summed
 * terms times their size). NaN must meet NaN and infinities must match exactly.
 */
public record Tolerance(double rel, double abs) {
    public static final Tolerance EXACT = new Tolerance(0, 0);

    /** Defaults: f64 1e-9, f32 1e-5, f16 1e-3, bf16 1e-2 (a few units in the last place); integers and bools exact. */
    public static Tolerance defaultFor(DType d) {
        return switch (d) {
            case F64 -> new Tolerance(1e-9, 1e-9);
            case F32 -> new Tolerance(1e-5, 1e-5);
            case F16 -> new Tolerance(1e-3, 1e-3);
            case BF16 -> new Tolerance(1e-2, 1e-2);
            case I32, I64, BOOL -> EXACT;
        };
    }

    /** The allowed error for {@code expected} in a case of error scale {@code scale}. */
    public double allowed(double expected, double scale) {
        return abs * scale + rel * Math.abs(expected);
    }
}
