package dev.lockstep.device.conformance;

import dev.lockstep.tensor.HostTensor;
import java.util.Arrays;

/** Compares a device result with the reference and describes the worst element. */
final class Comparison {
    private Comparison() {}

    /** Null when {@code actual} matches {@code expected}; otherwise what differs, worst element first. */
    static String mismatch(HostTensor expected, HostTensor actual, Tolerance tol, double scale) {
        if (!expected.type().equals(actual.type())) {
            return "result type " + actual.type() + ", expected " + expected.type();
        }
        int worst = -1, bad = 0;
        double worstRatio = 0;
        for (int k = 0; k < expected.size(); k++) {
            double e = expected.getDouble(k), a = actual.getDouble(k);
            double ratio = excess(e, a, tol, scale);
            if (ratio > 1) {
                bad++;
                if (ratio > worstRatio) {
                    worstRatio = ratio;
                    worst = k;
                }
            }
        }
        if (bad == 0) {
            return null;
        }
        int[] index = new int[expected.shape().rank()];
        Indexing.unravel(worst, expected.shape().dims(), index);
        double e = expected.getDouble(worst), a = actual.getDouble(worst);
        return bad + " of " + expected.size() + " elements differ; worst at " + Arrays.toString(index)
                + ": expected " + e + ", actual " + a + " (|diff| " + Math.abs(a - e) + ", allowed "
                + tol.allowed(e, scale) + ")" + (expected.size() <= 16 ? "\n  expected " + expected + "\n  actual   " + actual : "");
    }

    /** How many times over its allowance an element is (> 1 fails; infinite for NaN/inf mismatches). */
    private static double excess(double e, double a, Tolerance tol, double scale) {
        if (Double.isNaN(e) || Double.isNaN(a) || Double.isInfinite(e) || Double.isInfinite(a)) {
            return Double.compare(e, a) == 0 || (Double.isNaN(e) && Double.isNaN(a)) ? 0 : Double.POSITIVE_INFINITY;
        }
        double diff = Math.abs(a - e);
        double allowed = tol.allowed(e, scale);
        return diff == 0 ? 0 : allowed == 0 ? Double.POSITIVE_INFINITY : diff / allowed;
    }
}
