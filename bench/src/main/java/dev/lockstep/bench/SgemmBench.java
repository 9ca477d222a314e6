package dev.lockstep.bench;

import dev.lockstep.device.Device;
import dev.lockstep.device.nd4j.CpuDeviceProvider;
import java.util.concurrent.TimeUnit;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the cpu device's dot_general against cblas_sgemm on the same buffers, per shape and thread
 * count. Run (never part of the test phase):
 * {@code ./mvnw -q -pl bench -am package -DskipTests -Dbench.main=org.openjdk.jmh.Main -Dbench.args="SgemmBench"}
 * (add JMH options to bench.args, e.g. {@code -p threads=2}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class SgemmBench {
    @Param({"1024x1024x1024:NN", "256x784x512:NN", "256x512x512:NN", "256x512x10:NN", "512x256x10:TN",
            "256x10x512:NT", "512x256x512:TN", "256x512x512:NT", "784x256x512:TN"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    @Param({"OPENBLAS", "SPLIT"})
    public CpuDeviceProvider.GemmThreading threading;

    private Device device;
    private GemmCase gemm;

    @Setup(Level.Trial)
    public void setUp() {
        device = new CpuDeviceProvider(threads, threading).open();
        gemm = new GemmCase(device, GemmCase.Shape.parse(shape), threads,
                threading == CpuDeviceProvider.GemmThreading.SPLIT ? 1 : threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        gemm.close();
        device.close();
    }

    /** OpenBLAS's thread count is process-wide: the device's own setting while it runs. */
    @Setup(Level.Iteration)
    public void deviceThreads() {
        openblas_nolapack.blas_set_num_threads(gemm.deviceBlasThreads);
    }

    @Benchmark
    public void deviceDotGeneral() {
        gemm.device();
    }

    /** The baseline: cblas_sgemm with OpenBLAS's own {@code threads} threads. */
    @Benchmark
    public void cblasSgemm() {
        openblas_nolapack.blas_set_num_threads(threads);
        gemm.cblas();
    }
}
