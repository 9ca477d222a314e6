package dev.lockstep.nn;

import dev.lockstep.graph.Fnv1a;
import dev.lockstep.graph.Threefry;
import dev.lockstep.tensor.Shape;

/**
 * Initial values of a variable, a pure function of (seed, path) (invariant 4): inserting a layer
 * does not change the others' initial values, and nothing depends on creation order.
 */
public sealed interface Initializer {
    /** Row-major initial values for a variable of {@code shape} at {@code path}. */
    double[] values(Shape shape, String path, long seed);

    /** Layer-specific initializers (e.g. LSTM's forget-gate bias) implement this. */
    non-sealed interface Custom extends Initializer {}

    record Zeros() implements Initializer {
        @Override
        public double[] values(Shape shape, String path, long seed) {
            return new double[(int) shape.size()];
        }
    }

    record Constant(double value) implements Initializer {
        @Override
        public double[] values(Shape shape, String path, long seed) {
            double[] v = new double[(int) shape.size()];
            java.util.Arrays.fill(v, value);
            return v;
        }
    }

    record Uniform(double low, double high) implements Initializer {
        @Override
        public double[] values(Shape shape, String path, long seed) {
            Stream s = new Stream(seed, path);
            double[] v = new double[(int) shape.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = low + (high - low) * s.uniform(i);
            }
            return v;
        }
    }

    record Normal(double mean, double stddev) implements Initializer {
        @Override
        public double[] values(Shape shape, String path, long seed) {
            Stream s = new Stream(seed, path);
            double[] v = new double[(int) shape.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = mean + stddev * s.gaussian(i);
            }
            return v;
        }
    }

    /** Glorot/Xavier uniform: U(-l, l), l = sqrt(6 / (fanIn + fanOut)); Keras' default for kernels. */
    record GlorotUniform() implements Initializer {
        @Override
        public double[] values(Shape shape, String path, long seed) {
            double limit = Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape)));
            return new Uniform(-limit, limit).values(shape, path, seed);
        }
    }

    /** He normal: N(0, 2 / fanIn), for ReLU networks. */
    record HeNormal() implements Initializer {
        @Override
        public double[] values(Shape shape, String path, long seed) {
            return new Normal(0, Math.sqrt(2.0 / fanIn(shape))).values(shape, path, seed);
        }
    }

    /** Fan-in of a kernel shaped [receptive..., in, out] (a vector counts its own length). */
    static double fanIn(Shape s) {
        if (s.rank() < 2) {
            return Math.max(1, s.size());
        }
        return (double) s.size() / s.dim(s.rank() - 1);
    }

    static double fanOut(Shape s) {
        if (s.rank() < 2) {
            return Math.max(1, s.size());
        }
        return (double) s.size() / s.dim(s.rank() - 2);
    }

    /** Counter-based stream: element i of (seed, path) is Threefry of (seed; pathHash, i). */
    final class Stream {
        private final int k0, k1, c1;

        Stream(long seed, String path) {
            long h = Fnv1a.hash64(path);
            this.k0 = (int) seed;
            this.k1 = (int) (seed >>> 32) ^ (int) h;
            this.c1 = (int) (h >>> 32);
        }

        /** Uniform in [0, 1) with 53 random bits. */
        double uniform(long i) {
            int[] w = Threefry.hash(k0, k1, (int) i, c1 ^ (int) (i >>> 32));
            long bits = ((long) w[0] << 32) | (w[1] & 0xffffffffL);
            return (bits >>> 11) * 0x1.0p-53;
        }

        /** Standard normal by Box-Muller over two independent counters. */
        double gaussian(long i) {
            double u = uniform(2 * i), v = uniform(2 * i + 1);
            return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
        }
    }
}
