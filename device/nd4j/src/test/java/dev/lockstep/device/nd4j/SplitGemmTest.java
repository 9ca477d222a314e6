package dev.lockstep.device.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lockstep.device.Device;
import dev.lockstep.graph.DotGeneral;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.DType;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Products large enough to be split across compute threads, by rows and by columns, all transposes. */
class SplitGemmTest {
    private static final Device THREE = new CpuDeviceProvider(3, CpuDeviceProvider.GemmThreading.SPLIT).open();

    @AfterAll
    static void close() {
        THREE.close();
    }

    @ParameterizedTest(name = "{0}x{1}x{2} ta={3} tb={4}")
    @CsvSource({"300,128,130,false,false", "300,128,130,true,false", "16,64,4100,false,true", "16,64,4100,true,true"})
    void matchesJavaReference(int m, int k, int n, boolean ta, boolean tb) {
        float[] a = new float[m * k], b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i * 7 % 9) - 4;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (i * 5 % 7) - 3;
        }
        float[] expected = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0;
                for (int p = 0; p < k; p++) {
                    acc += a[ta ? p * m + i : i * k + p] * b[tb ? j * k + p : p * n + j];
                }
                expected[i * n + j] = acc;
            }
        }
        GraphBuilder g = new GraphBuilder();
        Tensor x = ta ? g.input("a", DType.F32, k, m) : g.input("a", DType.F32, m, k);
        Tensor y = tb ? g.input("b", DType.F32, n, k) : g.input("b", DType.F32, k, n);
        var dot = new DotGeneral(new int[0], new int[0], new int[] {ta ? 0 : 1}, new int[] {tb ? 1 : 0});
        var graph = g.buildTensors(List.of(x.dotGeneral(dot, y)));
        var inA = THREE.upload(Cpu.f32(a, x.shape().dims()));
        var inB = THREE.upload(Cpu.f32(b, y.shape().dims()));
        try (var e = THREE.compile(graph)) {
            var out = e.execute(List.of(inA, inB));
            assertArrayEquals(expected, out.getFirst().toHost().floats());
            out.forEach(dev.lockstep.device.Buffer::close);
        } finally {
            inA.close();
            inB.close();
        }
    }
}
