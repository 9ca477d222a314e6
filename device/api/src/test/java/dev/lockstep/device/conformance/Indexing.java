package dev.lockstep.device.conformance;

/** Row-major multi-index arithmetic for the reference interpreter. */
final class Indexing {
    private Indexing() {}

    static int size(int[] dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** Writes the multi-index of row-major position {@code flat} in {@code dims} into {@code out}. */
    static void unravel(int flat, int[] dims, int[] out) {
        for (int d = dims.length - 1; d >= 0; d--) {
            out[d] = flat % dims[d];
            flat /= dims[d];
        }
    }

    static int ravel(int[] index, int[] dims) {
        int flat = 0;
        for (int d = 0; d < dims.length; d++) {
            flat = flat * dims[d] + index[d];
        }
        return flat;
    }

    static boolean inBounds(int[] index, int[] dims) {
        for (int d = 0; d < dims.length; d++) {
            if (index[d] < 0 || index[d] >= dims[d]) {
                return false;
            }
        }
        return true;
    }

    /** Advances {@code index} to the next row-major position in {@code dims}; false after the last. */
    static boolean next(int[] index, int[] dims) {
        for (int d = dims.length - 1; d >= 0; d--) {
            if (++index[d] < dims[d]) {
                return true;
            }
            index[d] = 0;
        }
        return false;
    }

    static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
