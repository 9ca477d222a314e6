package dev.lockstep.estimator;

import dev.lockstep.device.Buffer;
import dev.lockstep.nn.Port;
import dev.lockstep.tensor.HostTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * An all-reduce for replicas in one JVM: every rank deposits host copies of its payload, then each
 * sums the deposits in rank order (the same order on every rank, so the sums are bitwise equal) and
 * writes them back to its own buffers. Barriers have a deadline, so a missing rank fails the test
 * with its rank named instead of hanging it.
 */
final class InMemoryAllReduce {
    private final int world;
    private final CyclicBarrier barrier;
    private final List<List<HostTensor>> deposits = new ArrayList<>();

    InMemoryAllReduce(int world) {
        this.world = world;
        this.barrier = new CyclicBarrier(world);
        for (int r = 0; r < world; r++) {
            deposits.add(null);
        }
    }

    /** The reducer of {@code rank}, summing every payload entry. */
    GradientReducer forRank(int rank) {
        return forRank(rank, p -> true);
    }

    /** The reducer of {@code rank}, summing only the entries {@code reduced} accepts (the rest stay local). */
    GradientReducer forRank(int rank, Predicate<Port> reduced) {
        return (layout, payload) -> {
            List<HostTensor> mine = new ArrayList<>();
            payload.forEach(b -> mine.add(b.toHost()));
            synchronized (deposits) {
                deposits.set(rank, mine);
            }
            await(rank, "deposit");
            List<List<HostTensor>> all;
            synchronized (deposits) {
                all = List.copyOf(deposits);
            }
            for (int i = 0; i < payload.size(); i++) {
                Port port = layout.payload().get(i);
                if (!reduced.test(port)) {
                    continue;
                }
                double[] sum = all.get(0).get(i).toDoubles();
                for (int r = 1; r < world; r++) {
                    double[] x = all.get(r).get(i).toDoubles();
                    for (int k = 0; k < sum.length; k++) {
                        sum[k] += x[k];
                    }
                }
                Buffer b = payload.get(i);
                b.copyFrom(HostTensor.fromDoubles(b.type(), sum));
            }
            await(rank, "read"); // no rank deposits the next step's payload before every rank has summed this one
        };
    }

    private void await(int rank, String phase) {
        try {
            barrier.await(20, TimeUnit.SECONDS);
        } catch (TimeoutException | BrokenBarrierException e) {
            throw new IllegalStateException("rank " + rank + " of " + world + ": all-reduce barrier (" + phase
                    + ") not reached by every rank within 20 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("rank " + rank + " interrupted in all-reduce (" + phase + ")", e);
        }
    }
}
