package dev.lockstep.collective;

import dev.lockstep.tensor.DType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * All-reduce bus bandwidth over loopback gRPC, one JVM per rank: busbw = size / time · 2(N−1)/N.
 *
 * <p>{@code java -cp <test classpath> dev.lockstep.collective.AllReduceBusBandwidth [N [partKiB [maxBytes]]]}
 * starts N rank processes (default 2; parts of the default size; sizes up to 64 MiB) and prints rank 0's table: f32 buckets from 1 KiB to 64 MiB, the mean time of
 * an all-reduce after warm-up. Not a test: run by hand, numbers depend on the machine's load.
 */
public final class AllReduceBusBandwidth {
    private static final long[] SIZES = {1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20,
            16 << 20, 64 << 20};

    private AllReduceBusBandwidth() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("--rank")) {
            runRank(Integer.parseInt(args[1]), Arrays.stream(args[2].split(",")).map(Integer::valueOf).toList(),
                    Integer.parseInt(args[3]), Long.parseLong(args[4]));
            return;
        }
        int n = args.length >= 1 ? Integer.parseInt(args[0]) : 2;
        int partKiB = args.length >= 2 ? Integer.parseInt(args[1]) : CollectiveOptions.DEFAULT_PART_BYTES >> 10;
        long maxBytes = args.length >= 3 ? Long.parseLong(args[2]) : SIZES[SIZES.length - 1];
        List<Integer> ports = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                ports.add(s.getLocalPort());
            }
        }
        String portList = String.join(",", ports.stream().map(String::valueOf).toList());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> ranks = new ArrayList<>();
        try {
            for (int r = 0; r < n; r++) {
                ranks.add(new ProcessBuilder(java, "-Xmx2g", "-cp", System.getProperty("java.class.path"),
                        AllReduceBusBandwidth.class.getName(), "--rank", Integer.toString(r), portList,
                        Integer.toString(partKiB), Long.toString(maxBytes))
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start());
            }
            List<BufferedReader> outs = new ArrayList<>();
            for (Process p : ranks) {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String line = out.readLine();
                // JVM notices (e.g. a flight recording starting) may come first.
                for (int skipped = 0; line != null && !line.equals("bound") && skipped < 100; skipped++) {
                    line = out.readLine();
                }
                if (!"bound".equals(line)) {
                    throw new IllegalStateException("a rank did not start: " + line);
                }
                outs.add(out);
            }
            for (Process p : ranks) {
                p.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().flush();
            }
            String line;
            while ((line = outs.get(0).readLine()) != null) {
                System.out.println(line);
            }
            for (Process p : ranks) {
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("a rank did not finish");
                }
            }
        } finally {
            ranks.forEach(Process::destroyForcibly);
        }
    }

    private static void runRank(int rank, List<Integer> ports, int partKiB, long maxBytes) throws IOException {
        int n = ports.size();
        List<InetSocketAddress> addresses = ports.stream().map(p -> new InetSocketAddress("127.0.0.1", p)).toList();
        try (GrpcTransport transport = GrpcTransport.bind(rank, n, addresses.get(rank), GrpcTransportSettings.defaults())) {
            System.out.println("bound");
            System.out.flush();
            if (!"go".equals(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine())) {
                throw new UncheckedIOException(new IOException("no go from the launcher"));
            }
            transport.connect(addresses);
            CollectiveOptions options = CollectiveOptions.defaults().withPartBytes(partKiB << 10);
            AllReducer reducer = new AllReducer(transport, options);
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            if (rank == 0) {
                System.out.printf("N=%d, f32, part %d KiB, halving/doubling up to %d KiB%n", n,
                        partKiB, options.halvingDoublingMaxBytes() >> 10);
                System.out.println("    bytes  algorithm          iters    time_us   algbw_GB/s   busbw_GB/s  rank0_cpu_us");
            }
            // One untimed pass over every size first, so the JIT has compiled the paths all sizes use.
            List<Long> sizes = Arrays.stream(SIZES).filter(b -> b <= maxBytes).boxed().toList();
            for (long bytes : sizes) {
                ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < Math.max(2, Math.min(2000, (64L << 20) / bytes)); i++) {
                    reducer.reduceBucket(0, DType.F32, data);
                }
            }
            for (long bytes : sizes) {
                ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < bytes / 4; i++) {
                    data.putFloat(4 * i, 1e-3f * (i % 1000));
                }
                int iters = (int) Math.max(5, Math.min(500, (256L << 20) / bytes));
                for (int i = 0; i < Math.max(3, iters / 5); i++) {
                    reducer.reduceBucket(0, DType.F32, data);
                }
                long cpuStart = os.getProcessCpuTime();
                long start = System.nanoTime();
                for (int i = 0; i < iters; i++) {
                    reducer.reduceBucket(0, DType.F32, data);
                }
                double seconds = (System.nanoTime() - start) / 1e9 / iters;
                double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9 / iters;
                double algbw = bytes / seconds / 1e9;
                if (rank == 0) {
                    System.out.printf(Locale.ROOT, "%9d  %-17s %6d %10.1f %12.3f %12.3f %10.1f%n", bytes,
                            AllReducer.algorithmFor(n, bytes, options), iters, seconds * 1e6,
                            algbw, algbw * 2 * (n - 1) / n, cpuSeconds * 1e6);
                    System.out.flush();
                }
            }
        }
    }
}
