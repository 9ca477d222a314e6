package dev.lockstep.collective;

import dev.lockstep.tensor.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Test helpers: run one body per rank on its own thread, with a bound; build inputs and expected sums. */
final class Ranks {
    private Ranks() {}

    /** What one rank's body returned or threw. */
    record Outcome<T>(T value, Throwable error) {
        T get() {
            if (error != null) {
                throw new AssertionError("rank failed: " + error, error);
            }
            return value;
        }
    }

    static <T> List<Outcome<T>> run(int n, Duration limit, IntFunction<T> body) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                futures.add(pool.submit(() -> body.apply(rank)));
            }
            long deadline = System.nanoTime() + limit.toNanos();
            List<Outcome<T>> out = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    out.add(new Outcome<>(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS), null));
                } catch (ExecutionException e) {
                    out.add(new Outcome<>(null, e.getCause()));
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("ranks did not finish within " + limit, e);
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new AssertionError("rank threads did not stop");
            }
        }
    }

    /** Values of varied magnitude, so that the summation order shows in the low bits. */
    static ByteBuffer input(DType dtype, long elements, int rank, long seed) {
        Random random = new Random(seed * 1_000_003L + rank);
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(elements * dtype.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < elements; i++) {
            double v = random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3);
            switch (dtype) {
                case F32 -> b.putFloat((float) v);
                case F64 -> b.putDouble(v);
                case I64 -> b.putLong(random.nextLong());
                case I32 -> b.putInt(random.nextInt());
                default -> throw new IllegalArgumentException(dtype.toString());
            }
        }
        return b.flip();
    }

    /** Element i of buffer b as a double (or long bits for integers), read little-endian. */
    static double f(ByteBuffer b, DType dtype, int i) {
        return dtype == DType.F32 ? b.getFloat(4 * i) : b.getDouble(8 * i);
    }

    /**
     * The documented fixed-order sum for a bucket: ring (chunk c summed in order c, c+1, ...) or
     * halving/doubling (ranks differing in the highest bit first), computed in the bucket's dtype.
     */
    static ByteBuffer expected(List<ByteBuffer> inputs, DType dtype, AllReducer.Algorithm algorithm) {
        int n = inputs.size();
        int size = dtype.byteSize();
        int elements = inputs.get(0).remaining() / size;
        ByteBuffer out = ByteBuffer.allocate(elements * size).order(ByteOrder.LITTLE_ENDIAN);
        long[] bounds = Chunks.boundaries(elements, n);
        for (int i = 0; i < elements; i++) {
            int[] order;
            if (algorithm == AllReducer.Algorithm.RING) {
                int c = 0;
                while (i >= bounds[c + 1]) {
                    c++;
                }
                order = RingSchedule.of(n, elements).summationOrder(c);
            } else {
                order = null;
            }
            switch (dtype) {
                case F32 -> {
                    float acc;
                    if (order != null) {
                        acc = inputs.get(order[0]).getFloat(4 * i);
                        for (int k = 1; k < n; k++) {
                            acc = acc + inputs.get(order[k]).getFloat(4 * i);
                        }
                    } else {
                        float[] t = new float[n];
                        for (int r = 0; r < n; r++) {
                            t[r] = inputs.get(r).getFloat(4 * i);
                        }
                        for (int d = n / 2; d >= 1; d /= 2) {
                            float[] next = new float[n];
                            for (int r = 0; r < n; r++) {
                                next[r] = t[r] + t[r ^ d];
                            }
                            t = next;
                        }
                        acc = t[0];
                    }
                    out.putFloat(4 * i, acc);
                }
                case F64 -> {
                    double acc;
                    if (order != null) {
                        acc = inputs.get(order[0]).getDouble(8 * i);
                        for (int k = 1; k < n; k++) {
                            acc = acc + inputs.get(order[k]).getDouble(8 * i);
                        }
                    } else {
                        double[] t = new double[n];
                        for (int r = 0; r < n; r++) {
                            t[r] = inputs.get(r).getDouble(8 * i);
                        }
                        for (int d = n / 2; d >= 1; d /= 2) {
                            double[] next = new double[n];
                            for (int r = 0; r < n; r++) {
                                next[r] = t[r] + t[r ^ d];
                            }
                            t = next;
                        }
                        acc = t[0];
                    }
                    out.putDouble(8 * i, acc);
                }
                case I64 -> {
                    long acc = 0;
                    for (ByteBuffer in : inputs) {
                        acc += in.getLong(8 * i);
                    }
                    out.putLong(8 * i, acc);
                }
                default -> throw new IllegalArgumentException(dtype.toString());
            }
        }
        return out;
    }

    static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        c.put(b.duplicate()).flip();
        return c;
    }
}
