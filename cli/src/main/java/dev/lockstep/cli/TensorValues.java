package dev.lockstep.cli;

import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.HostTensor;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Prints one tensor's values for {@code inspect --tensor}: row-major, one line per row of the last axis
 * (8 values a line), each prefixed by its index, e.g. {@code [1, 0:8]}. A tensor with more than
 * {@code limit} elements gets a summary (min, max, mean, standard deviation, non-finite count) and its
 * first {@code limit} values. Floating values print in Java's shortest round-trip form, so they are exact.
 */
final class TensorValues {
    private static final int PER_LINE = 8;

    private TensorValues() {}

    static void print(PrintWriter out, String path, HostTensor t, int limit) {
        int n = t.size();
        out.printf(Locale.ROOT, "%s  %s  shape %s  %d element%s, row-major%n", path, t.dtype(), t.shape(), n,
                n == 1 ? "" : "s");
        if (n > limit) {
            summary(out, t);
            out.printf(Locale.ROOT, "first %d of %d values (--limit N for more):%n", limit, n);
        }
        int[] dims = t.shape().dims();
        if (dims.length == 0) {
            out.println(format(t, 0));
            return;
        }
        int row = dims[dims.length - 1];
        int shown = Math.min(n, limit);
        for (int start = 0; start < shown; ) {
            int inRow = start % row;
            int count = Math.min(Math.min(PER_LINE, row - inRow), shown - start); // a line never crosses a row
            StringBuilder b = new StringBuilder(index(dims, start - inRow, inRow, inRow + count));
            for (int i = 0; i < count; i++) {
                b.append(' ').append(format(t, start + i));
            }
            out.println(b);
            start += count;
        }
        if (shown < n) {
            out.printf(Locale.ROOT, "... %d more%n", n - shown);
        }
    }

    /** "[i, j, a:b]": the leading indices of the row starting at flat index {@code rowStart}, then the slice. */
    private static String index(int[] dims, int rowStart, int from, int to) {
        StringBuilder b = new StringBuilder("[");
        int rest = rowStart / dims[dims.length - 1];
        int[] lead = new int[dims.length - 1];
        for (int a = dims.length - 2; a >= 0; a--) {
            lead[a] = rest % dims[a];
            rest /= dims[a];
        }
        for (int i : lead) {
            b.append(i).append(", ");
        }
        return b.append(from).append(':').append(to).append(']').toString();
    }

    private static void summary(PrintWriter out, HostTensor t) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0, sumSq = 0;
        long finite = 0;
        for (int i = 0; i < t.size(); i++) {
            double v = t.getDouble(i);
            if (!Double.isFinite(v)) {
                continue;
            }
            finite++;
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            sumSq += v * v;
        }
        double mean = finite == 0 ? Double.NaN : sum / finite;
        double std = finite == 0 ? Double.NaN : Math.sqrt(Math.max(0, sumSq / finite - mean * mean));
        out.printf(Locale.ROOT, "min %.6g  max %.6g  mean %.6g  std %.6g  L2 norm %.6g  non-finite %d%n", min, max,
                mean, std, Math.sqrt(sumSq), t.size() - finite);
    }

    static String format(HostTensor t, int i) {
        DType d = t.dtype();
        if (d.isBool()) {
            return t.getDouble(i) != 0 ? "true" : "false";
        }
        if (d.isInteger()) {
            return Long.toString(t.getLong(i));
        }
        double v = t.getDouble(i);
        return d == DType.F64 ? Double.toString(v) : Float.toString((float) v);
    }

    /** Up to {@code max} of {@code known}, closest to {@code wanted} by edit distance (ties by name). */
    static List<String> closest(String wanted, java.util.Collection<String> known, int max) {
        return known.stream()
                .sorted(Comparator.comparingInt((String k) -> distance(wanted, k)).thenComparing(k -> k))
                .limit(max).toList();
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
