package dev.lockstep.bench;

import dev.lockstep.collective.AllReducer;
import dev.lockstep.collective.ChunkTag;
import dev.lockstep.collective.CollectiveOptions;
import dev.lockstep.collective.GrpcTransport;
import dev.lockstep.collective.GrpcTransportSettings;
import dev.lockstep.collective.Transport;
import dev.lockstep.tensor.DType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One rank of an all-reduce bus-bandwidth measurement over {@link GrpcTransport}: start one process per
 * rank (bench/allreduce.sh does), each with the same peer list. Rank 0 prints one JSON line per size:
 * the mean time of an in-place f32 all-reduce (and the median, 90th percentile and longest, as rank 0
 * saw them; rank 0's process CPU time over the measurement, in cores) and busbw = bytes / time · 2(N−1)/N, the convention of
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
 * and a watchdog ends the process after {@code allreduce.deadlineSeconds} (default 600). Defaults are
 * the library's; for experiments, {@code allreduce.partBytes}, {@code allreduce.flowControlWindowBytes} and
 * {@code allreduce.onReadyThresholdBytes} override the part size and the transport's flow control, and
 * {@code allreduce.impl=onestep} times {@link OneStep} instead of {@link AllReducer}.
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
        String impl = System.getProperty("allreduce.impl", "lockstep");
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

        CollectiveOptions options = CollectiveOptions.defaults().withStepTimeout(stepTimeout)
                .withPartBytes(Integer.getInteger("allreduce.partBytes", CollectiveOptions.DEFAULT_PART_BYTES));
        GrpcTransportSettings d = GrpcTransportSettings.defaults();
        GrpcTransportSettings settings = new GrpcTransportSettings(
                Integer.getInteger("allreduce.flowControlWindowBytes", d.flowControlWindowBytes()), d.maxMessageBytes(),
                Integer.getInteger("allreduce.onReadyThresholdBytes", d.onReadyThresholdBytes()), d.closeTimeout(),
                d.receivePoolBytes());
        try (GrpcTransport transport = GrpcTransport.bind(rank, world, peers.get(rank), settings)) {
            // connect() does not retry: wait (bounded) until every peer's server accepts TCP connections.
            for (int r = 0; r < world; r++) {
                if (r != rank) {
                    awaitListening(peers.get(r), System.nanoTime() + Duration.ofSeconds(60).toNanos());
                }
            }
            transport.connect(peers);
            AllReducer reducer = new AllReducer(transport, options);
            ByteBuffer control = ByteBuffer.allocate(4 * 64).order(ByteOrder.LITTLE_ENDIAN);
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            boolean oneStep = impl.equals("onestep");
            if (!oneStep && !impl.equals("lockstep")) {
                throw new IllegalArgumentException("allreduce.impl must be lockstep or onestep, got " + impl);
            }
            OneStep exchange = new OneStep(transport, stepTimeout);
            Consumer<ByteBuffer> op = oneStep ? exchange::reduce : buf -> reducer.reduceBucket(0, DType.F32, buf);

            // Untimed pass over every size first (allreduce.warmupSeconds in all, default 4), so the JIT
            // has compiled what all sizes use before anything is timed.
            double warmSeconds = Double.parseDouble(System.getProperty("allreduce.warmupSeconds", "4"));
            for (long bytes : sizes) {
                repeat(op, reducer, control, rank, buffer(bytes), warmSeconds / sizes.size(), maxIters, 2);
            }
            for (long bytes : sizes) {
                ByteBuffer data = buffer(bytes);
                long cpu0 = os.getProcessCpuTime();
                long wall0 = System.nanoTime();
                long[] each = repeat(op, reducer, control, rank, data, minSeconds, maxIters, 5);
                // This process's CPU time over the same stretch: cores busy per core of wall time.
                double cores = (double) (os.getProcessCpuTime() - cpu0) / (System.nanoTime() - wall0);
                int iters = each.length;
                long timedNanos = Arrays.stream(each).sum();
                double seconds = timedNanos / 1e9 / iters;
                long[] sorted = each.clone();
                Arrays.sort(sorted);
                double median = sorted[iters / 2] / 1e9;
                double p90 = sorted[Math.min(iters - 1, (int) Math.ceil(0.9 * iters) - 1)] / 1e9;
                double max = sorted[iters - 1] / 1e9;
                if (rank == 0) {
                    double algbw = bytes / seconds / 1e9;
                    System.out.println(String.format(Locale.ROOT,
                            "{\"impl\":\"%s\",\"world\":%d,\"bytes\":%d,\"algorithm\":\"%s\",\"iters\":%d,"
                                    + "\"seconds_per_op\":%.9f,\"median_seconds\":%.9f,\"p90_seconds\":%.9f,\"max_seconds\":%.9f,"
                                    + "\"algbw_GBps\":%.4f,"
                                    + "\"busbw_GBps\":%.4f,\"rank0_cpu_cores\":%.3f}",
                            impl, world, bytes, oneStep ? "ONE_STEP" : AllReducer.algorithmFor(world, bytes, options), iters, seconds, median, p90, max,
                            algbw, algbw * 2 * (world - 1) / world, cores));
                    System.out.flush();
                }
            }
            // A last control all-reduce, so no rank closes while a peer still waits on its last chunk.
            reducer.reduceBucket(1, DType.F32, control);
        }
        watchdog.interrupt();
    }

    /**
     * Runs all-reduces of {@code data} in batches until rank 0 has timed {@code seconds} of them (at least
     * {@code minIters}, at most about {@code maxIters}); returns each operation's nanoseconds. After each
     * batch an untimed control all-reduce carries rank 0's decision (go on or stop), and the batch size
     * is rank 0's too, so every rank runs the same number of operations.
     */
    private static long[] repeat(Consumer<ByteBuffer> op, AllReducer reducer, ByteBuffer control, int rank, ByteBuffer data, double seconds,
            int maxIters, int minIters) {
        int probe = data.remaining() >= (16 << 20) ? 2 : 10;
        long t0 = System.nanoTime();
        for (int i = 0; i < probe; i++) {
            op.accept(data);
        }
        double estimate = (System.nanoTime() - t0) / 1e9 / probe;
        int batch = agree(reducer, control, rank, (int) Math.max(1, Math.min(maxIters, Math.ceil(0.1 / estimate))));
        long[] each = new long[maxIters + batch + minIters];
        int iters = 0;
        long timed = 0;
        while (true) {
            long start = System.nanoTime();
            long last = start;
            for (int i = 0; i < batch; i++) {
                op.accept(data);
                long now = System.nanoTime();
                each[iters++] = now - last;
                last = now;
            }
            timed += last - start;
            boolean more = timed < seconds * 1e9 && iters + batch <= maxIters || iters < minIters;
            if (agree(reducer, control, rank, more ? 1 : 0) == 0) {
                return Arrays.copyOf(each, iters);
            }
        }
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

    /**
     * An experiment for small buckets, not the library's algorithm: every rank sends its whole buffer to every
     * peer at once and sums the N buffers in rank order (0, 1, ..., N−1), so the result is the same bit for bit
     * on every rank, in one latency step instead of halving/doubling's 2·log2(N).
     */
    static final class OneStep {
        private final Transport transport;
        private final Duration timeout;
        private long operation;
        private ByteBuffer sum = ByteBuffer.allocate(0);

        OneStep(Transport transport, Duration timeout) {
            this.transport = transport;
            this.timeout = timeout;
        }

        void reduce(ByteBuffer data) {
            int n = transport.worldSize();
            int me = transport.rank();
            ChunkTag tag = new ChunkTag(operation++, 1000, 0, 0); // bucket 1000: apart from AllReducer's tags
            for (int r = 0; r < n; r++) {
                if (r != me) {
                    transport.send(r, tag, data, timeout);
                }
            }
            int bytes = data.remaining();
            ByteBuffer[] from = new ByteBuffer[n];
            for (int r = 0; r < n; r++) {
                from[r] = r == me ? data.slice().order(ByteOrder.LITTLE_ENDIAN) : transport.receive(r, tag, timeout);
                if (from[r].remaining() != bytes) {
                    throw new IllegalStateException("rank " + r + " sent " + from[r].remaining() + " bytes, expected " + bytes);
                }
            }
            if (sum.capacity() != bytes) {
                sum = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
            }
            for (int i = 0; i < bytes; i += 4) {
                float acc = from[0].getFloat(i);
                for (int r = 1; r < n; r++) {
                    acc += from[r].getFloat(i);
                }
                sum.putFloat(i, acc);
            }
            data.put(data.position(), sum, 0, bytes);
            for (int r = 0; r < n; r++) {
                if (r != me) {
                    transport.release(from[r]);
                }
            }
        }
    }
}
