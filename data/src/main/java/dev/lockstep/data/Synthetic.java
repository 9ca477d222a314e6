package dev.lockstep.data;

import dev.lockstep.tensor.HostTensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Synthetic datasets for tests and examples. Example i is a pure function of (seed, i), so they shard,
 * shuffle and resume like any indexed source, and every worker agrees on them.
 */
public final class Synthetic {
    private Synthetic() {}

    /** Token ids reserved by {@link #sequences}: padding and begin-of-sequence. */
    public static final int PAD = 0;
    public static final int BOS = 1;

    /**
     * Classification: {@code x} f32[dim] drawn around one of {@code classes} centers (components N(0, 4^2)),
     * with N(0, spread^2) noise; {@code label} i32[] is the center's index.
     */
    public static Dataset<Map<String, HostTensor>> gaussianBlobs(long count, int classes, int dim, double spread,
            long seed) {
        if (classes < 1 || dim < 1) {
            throw new IllegalArgumentException("gaussianBlobs: need classes >= 1 and dim >= 1, got classes="
                    + classes + ", dim=" + dim);
        }
        return Dataset.generate("blobs(classes=" + classes + ", dim=" + dim + ", spread=" + spread + ", seed=" + seed
                + ")", count, i -> {
                    int label = Rng.below(Rng.hash(seed, "blob-label", i), classes);
                    float[] x = new float[dim];
                    for (int d = 0; d < dim; d++) {
                        x[d] = (float) (4 * Rng.normal(seed, "blob-center", label, d)
                                + spread * Rng.normal(seed, "blob-noise", i, d));
                    }
                    return example("x", HostTensor.ofFloats(x, dim), "label", HostTensor.ofInts(new int[] {label}));
                });
    }

    /** Regression: {@code x} f32[dim] ~ N(0, 1), {@code y} f32[1] = w.x + b + N(0, noise^2), w and b from the seed. */
    public static Dataset<Map<String, HostTensor>> linearRegression(long count, int dim, double noise, long seed) {
        double[] w = linearWeights(dim, seed);
        double b = Rng.normal(seed, "regression-bias");
        return Dataset.generate("regression(dim=" + dim + ", noise=" + noise + ", seed=" + seed + ")", count, i -> {
            float[] x = new float[dim];
            double y = b + noise * Rng.normal(seed, "regression-noise", i);
            for (int d = 0; d < dim; d++) {
                x[d] = (float) Rng.normal(seed, "regression-x", i, d);
                y += w[d] * x[d];
            }
            return example("x", HostTensor.ofFloats(x, dim), "y", HostTensor.ofFloats(new float[] {(float) y}, 1));
        });
    }

    /** The true weights of {@link #linearRegression} for this seed. */
    public static double[] linearWeights(int dim, long seed) {
        double[] w = new double[dim];
        for (int d = 0; d < dim; d++) {
            w[d] = Rng.normal(seed, "regression-weight", d);
        }
        return w;
    }

    /**
     * Seq2seq copy or reverse: {@code source} i32[length] of tokens in [2, vocab), {@code target_out} the
     * source (reversed if asked), {@code target_in} = BOS followed by target_out shifted right (teacher forcing).
     */
    public static Dataset<Map<String, HostTensor>> sequences(long count, int length, int vocab, boolean reverse,
            long seed) {
        if (vocab < 3 || length < 1) {
            throw new IllegalArgumentException("sequences: need vocab >= 3 (0 = PAD, 1 = BOS) and length >= 1, got vocab="
                    + vocab + ", length=" + length);
        }
        String name = (reverse ? "reverse" : "copy") + "(length=" + length + ", vocab=" + vocab + ", seed=" + seed + ")";
        return Dataset.generate(name, count, i -> {
            int[] src = new int[length];
            for (int t = 0; t < length; t++) {
                src[t] = 2 + Rng.below(Rng.hash(seed, "sequence-token", i, t), vocab - 2);
            }
            int[] out = new int[length];
            for (int t = 0; t < length; t++) {
                out[t] = reverse ? src[length - 1 - t] : src[t];
            }
            int[] in = new int[length];
            in[0] = BOS;
            System.arraycopy(out, 0, in, 1, length - 1);
            Map<String, HostTensor> m = new LinkedHashMap<>();
            m.put("source", HostTensor.ofInts(src, length));
            m.put("target_in", HostTensor.ofInts(in, length));
            m.put("target_out", HostTensor.ofInts(out, length));
            return m;
        });
    }

    private static Map<String, HostTensor> example(String k1, HostTensor v1, String k2, HostTensor v2) {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }
}
