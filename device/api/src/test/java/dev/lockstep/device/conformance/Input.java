package dev.lockstep.device.conformance;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.Random;

/**
 * A parameter of a conformance case and the values it is drawn from. Domains keep inputs inside
 * each op's well-conditioned region (positive for log and sqrt, away from zero for divisors) or
 * deliberately create ties, zeros and NaNs where the semantics of those are specified.
 */
record Input(TensorType type, Domain domain, int lo, int hi, HostTensor fixed) {

    enum Domain {
        /** Floats uniform in [-2, 2]; integers in [-20, 20]. */
        ANY,
        /** Floats in [0.5, 2.5]; integers in [1, 10]. */
        POSITIVE,
        /** Magnitude in [0.5, 2] (integers [1, 10]) with random sign. */
        NONZERO,
        /** Few distinct values {-1, -0.5, 0, 0.5, 1} (integers [-2, 2]): ties, equal elements, zeros. */
        GRID,
        /** Floats in [-20, 20] with fractions (floor, ceil, convert to integer). */
        WIDE,
        /** ANY with about a quarter NaN. */
        NAN,
        /** Integers uniform in [lo, hi] (indices, exponents). */
        RANGE,
        /** Exactly the given tensor (edge values such as counters about to wrap). */
        FIXED
    }

    static Input of(DType d, int... dims) {
        return new Input(TensorType.of(d, dims), Domain.ANY, 0, 0, null);
    }

    static Input of(DType d, Domain domain, int... dims) {
        return new Input(TensorType.of(d, dims), domain, 0, 0, null);
    }

    static Input range(DType d, int lo, int hi, int... dims) {
        return new Input(TensorType.of(d, dims), Domain.RANGE, lo, hi, null);
    }

    static Input fixed(HostTensor value) {
        return new Input(value.type(), Domain.FIXED, 0, 0, value);
    }

    HostTensor sample(Random rnd) {
        if (fixed != null) {
            return fixed;
        }
        int n = (int) type.shape().size();
        double[] v = new double[n];
        DType d = type.dtype();
        for (int k = 0; k < n; k++) {
            v[k] = d.isBool() ? (rnd.nextBoolean() ? 1 : 0) : d.isFloating() ? floatValue(rnd) : intValue(rnd);
            if (d.isFloating()) {
                v[k] = Rounding.round(d, v[k]);
            }
        }
        return HostTensor.fromDoubles(type, v);
    }

    private double floatValue(Random rnd) {
        return switch (domain) {
            case ANY -> uniform(rnd, -2, 2);
            case POSITIVE -> uniform(rnd, 0.5, 2.5);
            case NONZERO -> (rnd.nextBoolean() ? 1 : -1) * uniform(rnd, 0.5, 2);
            case GRID -> 0.5 * (rnd.nextInt(5) - 2);
            case WIDE -> uniform(rnd, -20, 20);
            case NAN -> rnd.nextInt(4) == 0 ? Double.NaN : uniform(rnd, -2, 2);
            case RANGE -> lo + rnd.nextInt(hi - lo + 1);
            case FIXED -> throw new IllegalStateException("fixed inputs are not sampled");
        };
    }

    private double intValue(Random rnd) {
        return switch (domain) {
            case ANY, WIDE, NAN -> rnd.nextInt(41) - 20;
            case POSITIVE -> 1 + rnd.nextInt(10);
            case NONZERO -> (rnd.nextBoolean() ? 1 : -1) * (1 + rnd.nextInt(10));
            case GRID -> rnd.nextInt(5) - 2;
            case RANGE -> lo + rnd.nextInt(hi - lo + 1);
            case FIXED -> throw new IllegalStateException("fixed inputs are not sampled");
        };
    }

    private static double uniform(Random rnd, double a, double b) {
        return a + (b - a) * rnd.nextDouble();
    }
}
