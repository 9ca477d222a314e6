package dev.lockstep.bench;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Executable;
import dev.lockstep.tensor.DType;
import dev.lockstep.device.nd4j.NativeBuffers;
import dev.lockstep.graph.DotGeneral;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.HostTensor;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * One f32 gemm shape, run two ways on the same device buffers: as a compiled dot_general graph on a
 * device, and as a direct cblas_sgemm call on those buffers' addresses.
 */
final class GemmCase implements AutoCloseable {
    /** C[m,n] = op(A) op(B); {@code ta}: A stored [k,m]; {@code tb}: B stored [n,k]. */
    record Shape(String name, int m, int k, int n, boolean ta, boolean tb) {
        static Shape parse(String s) {
            String[] p = s.split(":");
            String[] d = p[0].split("x");
            String flags = p.length > 1 ? p[1] : "NN";
            return new Shape(s, Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2]),
                    flags.charAt(0) == 'T', flags.charAt(1) == 'T');
        }

        double flops() {
            return 2.0 * m * k * n;
        }
    }

    /** 1024^3, then the MLP 784-512-512-10 at batch 256: forward, then the backward gemms. */
    static final List<String> SHAPES = List.of("1024x1024x1024:NN",
            "256x784x512:NN", "256x512x512:NN", "256x512x10:NN",
            "512x256x10:TN", "256x10x512:NT", "512x256x512:TN", "256x512x512:NT", "784x256x512:TN");

    final Shape shape;
    final int threads;
    /** OpenBLAS threads while the device runs (1 when the device splits gemms itself). */
    final int deviceBlasThreads;
    private final Executable exe;
    private final Buffer a, b, c;
    private final List<Buffer> in, out;
    private final Addr pa = new Addr(), pb = new Addr(), pc = new Addr();

    GemmCase(Device device, Shape s, int threads, int deviceBlasThreads) {
        this.shape = s;
        this.threads = threads;
        this.deviceBlasThreads = deviceBlasThreads;
        GraphBuilder g = new GraphBuilder();
        Tensor x = s.ta ? g.input("a", DType.F32, s.k, s.m) : g.input("a", DType.F32, s.m, s.k);
        Tensor y = s.tb ? g.input("b", DType.F32, s.n, s.k) : g.input("b", DType.F32, s.k, s.n);
        var dot = new DotGeneral(new int[0], new int[0], new int[] {s.ta ? 0 : 1}, new int[] {s.tb ? 1 : 0});
        Graph graph = g.buildTensors(List.of(x.dotGeneral(dot, y)));
        exe = device.compile(graph);
        a = device.upload(random(x.type(), 1));
        b = device.upload(random(y.type(), 2));
        c = device.allocate(graph.outputTypes().getFirst());
        in = List.of(a, b);
        out = List.of(c);
        pa.at(NativeBuffers.address(a));
        pb.at(NativeBuffers.address(b));
        pc.at(NativeBuffers.address(c));
    }

    void device() {
        exe.execute(in, out);
    }

    void cblas() {
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                shape.ta ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                shape.tb ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                shape.m, shape.n, shape.k, 1f, pa, shape.ta ? shape.m : shape.k, pb, shape.tb ? shape.k : shape.n,
                0f, pc, shape.n);
    }

    float checksum() {
        return c.toHost().floats()[0];
    }

    private static HostTensor random(dev.lockstep.tensor.TensorType t, long seed) {
        float[] v = new float[(int) t.shape().size()];
        var r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble(-1, 1);
        }
        return HostTensor.wrap(t, v);
    }

    @Override
    public void close() {
        exe.close();
        a.close();
        b.close();
        c.close();
    }

    /** A FloatPointer aimed at an existing address (no JavaCPP allocation). */
    private static final class Addr extends FloatPointer {
        Addr() {
            super((Pointer) null);
        }

        void at(long address) {
            this.address = address;
        }
    }
}
