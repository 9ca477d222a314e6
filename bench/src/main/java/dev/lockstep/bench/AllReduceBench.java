package dev.lockstep.bench;

import dev.lockstep.collective.AllReducer;
import dev.lockstep.collective.CollectiveOptions;
import dev.lockstep.collective.GrpcTransport;
import dev.lockstep.collective.GrpcTransportSettings;
import dev.lockstep.tensor.DType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One rank of an all-reduce bus-bandwidth measurement over {@link GrpcTransport}: start one process per
 * rank (bench/allreduce.sh does), each with the same peer list. Rank 0 prints one JSON line per size:
 * the mean time of an in-place f32 all-reduce and busbw = bytes / time · 2(N−1)/N, the convention of
 * nccl-tests and of /work/shared/bench/torch_ddp_bench.py.
 *
 * <pre>
 * AllReduceBench RANK WORLD HOST:PORT,HOST:PORT,... [SIZES [MIN_SECONDS [MAX_ITERS]]]
 *   SIZES        comma-separated byte counts, K/M suffixes allowed (default 1K,4K,...,64M, powers of 4)
 *   MIN_SECONDS  timed seconds per size, at least (default 0.5)
 *   MAX_ITERS    iterations per size, at most (default 5000)
 * </pre>
 *
 * Every wait is bounded: the peers' servers must come up within 60 s, each all-reduce step has the
 * step timeout of {@link CollectiveOptions} (property {@code allreduce.stepTimeoutSeconds}, default 10),
 * and a watchdog ends the process after {@code allreduce.deadlineSeconds} (default 600).
 */
public final class AllReduceBench {
    static final String DEFAULT_SIZES = "1K,4K,16K,64K,256K,1M,4M,16M,64M";

    private AllReduceBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: AllReduceBench RANK WORLD HOST:PORT,... [SIZES [MIN_SECONDS [MAX_ITERS]]]");
            System.exit(2);
        }
        int rank = Integer.parseInt(args[0]);
        int world = Integer.parseInt(args[1]);
        List<InetSocketAddress> peers = Arrays.stream(args[2].split(",")).map(AllReduceBench::address).toList();
        if (peers.size() != world) {
            throw new IllegalArgumentException("got " + peers.size() + " addresses for world size " + world);
        }
        List<Long> sizes = Arrays.stream((args.length > 3 ? args[3] : DEFAULT_SIZES).split(","))
                .map(AllReduceBench::bytes).toList();
        double minSeconds = args.length > 4 ? Double.parseDouble(args[4]) : 0.5;
        int maxIters = args.length > 5 ? Integer.parseInt(args[5]) : 5000;
        Duration stepTimeout = Duration.ofSeconds(Long.getLong("allreduce.stepTimeoutSeconds", 10));
        long deadlineSeconds = Long.getLong("allreduce.deadlineSeconds", 600);

        Thread watchdog = Thread.ofPlatform().daemon().name("allreduce-watchdog").start(() -> {
            try {
                Thread.sleep(Duration.ofSeconds(deadlineSeconds));
                System.err.println("rank " + rank + ": still running after " + deadlineSeconds + " s, giving up");
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                // finished in time
            }
        });

        CollectiveOptions options = CollectiveOptions.defaults().withStepTimeout(stepTimeout);
        try (GrpcTransport transport = GrpcTransport.bind(rank, world, peers.get(rank), GrpcTransportSettings.defaults())) {
            // connect() does not retry: wait (bounded) until every peer's server accepts TCP connections.
            for (int r = 0; r < world; r++) {
                if (r != rank) {
                    awaitListening(peers.get(r), System.nanoTime() + Duration.ofSeconds(60).toNanos());
                }
            }
            transport.connect(peers);
            AllReducer reducer = new AllReducer(transport, options);
            ByteBuffer control = ByteBuffer.allocate(4 * 64).order(ByteOrder.LITTLE_ENDIAN);

            // Untimed pass over every size, so the JIT has compiled what all sizes use.
            for (long bytes : sizes) {
                ByteBuffer data = buffer(bytes);
                int warm = (int) Math.max(2, Math.min(1000, (64L << 20) / bytes));
                for (int i = 0; i < warm; i++) {
                    reducer.reduceBucket(0, DType.F32, data);
                }
            }
            for (long bytes : sizes) {
                ByteBuffer data = buffer(bytes);
                // Timed in batches; after each, an untimed control all-reduce carries rank 0's decision
                // (go on or stop), so every rank runs the same number of operations.
                int probe = bytes >= (16 << 20) ? 2 : 10;
                long t0 = System.nanoTime();
                for (int i = 0; i < probe; i++) {
                    reducer.reduceBucket(0, DType.F32, data);
                }
                double estimate = (System.nanoTime() - t0) / 1e9 / probe;
                int batch = agree(reducer, control, rank,
                        (int) Math.max(1, Math.min(maxIters, Math.ceil(0.1 / estimate))));
                long[] each = new long[maxIters + batch];
                int iters = 0;
                long timedNanos = 0;
                while (true) {
                    long start = System.nanoTime();
                    long last = start;
                    for (int i = 0; i < batch; i++) {
                        reducer.reduceBucket(0, DType.F32, data);
                        long now = System.nanoTime();
                        each[iters++] = now - last;
                        last = now;
                    }
                    timedNanos += last - start;
                    boolean more = timedNanos < minSeconds * 1e9 && iters + batch <= maxIters || iters < 5;
                    if (agree(reducer, control, rank, more ? 1 : 0) == 0) {
                        break;
                    }
                }
                double seconds = timedNanos / 1e9 / iters;
                long[] sorted = Arrays.copyOf(each, iters);
                Arrays.sort(sorted);
                double median = sorted[iters / 2] / 1e9;
                if (rank == 0) {
                    double algbw = bytes / seconds / 1e9;
                    System.out.println(String.format(Locale.ROOT,
                            "{\"impl\":\"lockstep\",\"world\":%d,\"bytes\":%d,\"algorithm\":\"%s\",\"iters\":%d,"
                                    + "\"seconds_per_op\":%.9f,\"median_seconds\":%.9f,\"algbw_GBps\":%.4f,"
                                    + "\"busbw_GBps\":%.4f}",
                            world, bytes, AllReducer.algorithmFor(world, bytes, options), iters, seconds, median,
                            algbw, algbw * 2 * (world - 1) / world));
                    System.out.flush();
                }
            }
            // A last control all-reduce, so no rank closes while a peer still waits on its last chunk.
            reducer.reduceBucket(1, DType.F32, control);
        }
        watchdog.interrupt();
    }

    /** Rank 0's {@code value} on every rank (a sum where the other ranks add zeros); exact below 2^24. */
    private static int agree(AllReducer reducer, ByteBuffer control, int rank, int value) {
        for (int i = 0; i < control.capacity() / 4; i++) {
            control.putFloat(4 * i, 0f);
        }
        control.putFloat(0, rank == 0 ? value : 0f);
        reducer.reduceBucket(1, DType.F32, control);
        return Math.round(control.getFloat(0));
    }

    private static ByteBuffer buffer(long bytes) {
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < bytes / 4; i++) {
            data.putFloat(4 * i, 1f);
        }
        return data;
    }

    private static void awaitListening(InetSocketAddress peer, long deadline) throws InterruptedException {
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(peer, 1000);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("rank at " + peer + " did not start listening within 60 s",
                            notYet);
                }
                Thread.sleep(50);
            }
        }
    }

    static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected HOST:PORT, got " + hostPort);
        }
        return new InetSocketAddress(hostPort.substring(0, colon).trim(), Integer.parseInt(hostPort.substring(colon + 1).trim()));
    }

    static long bytes(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("K")) {
            unit = 1L << 10;
        } else if (t.endsWith("M")) {
            unit = 1L << 20;
        }
        long n = Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1));
        if (n * unit % 4 != 0 || n <= 0) {
            throw new IllegalArgumentException("size " + s + " is not a positive multiple of 4 bytes");
        }
        return n * unit;
    }
}
