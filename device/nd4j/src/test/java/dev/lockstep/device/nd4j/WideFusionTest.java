package dev.lockstep.device.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.device.Device;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.BinaryOp.Direction;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.graph.UnaryOp;
import dev.lockstep.tensor.HostTensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fusion through comparisons and selects (masks on IEEE bits), stores of values read later, and
 * fused kernels split between compute threads: every result is checked bit for bit against Java's
 * own float semantics.
 */
class WideFusionTest {
    /** 256 x 128 = 32,768 elements: large enough to be split between compute threads. */
    private static final int ROWS = 256, COLS = 128, N = ROWS * COLS;
    private static final float[] SPECIAL = {Float.NaN, Float.intBitsToFloat(0xFFC00001), 0f, -0f,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE,
        -Float.MAX_VALUE, 1f, -1f, Math.nextUp(1f), 0.5f};
    private static final Device ONE = new CpuDeviceProvider(1).open();
    private static final Device THREE = new CpuDeviceProvider(3).open();

    @AfterAll
    static void close() {
        ONE.close();
        THREE.close();
    }

    /** Every pair of special values, then a deterministic mix of ordinary ones and repeats. */
    private static float[][] operands() {
        float[] a = new float[N], b = new float[N];
        int k = SPECIAL.length;
        for (int i = 0; i < N; i++) {
            if (i < k * k) {
                a[i] = SPECIAL[i / k];
                b[i] = SPECIAL[i % k];
            } else {
                a[i] = (float) Math.sin(i * 0.37) * 3;
                b[i] = i % 5 == 0 ? a[i] : (float) Math.cos(i * 0.11) * 3;
            }
        }
        return new float[][] {a, b};
    }

    private static boolean javaCompare(Direction d, float x, float y) {
        return switch (d) {
            case EQ -> x == y;
            case NE -> x != y;
            case LT -> x < y;
            case LE -> x <= y;
            case GT -> x > y;
            case GE -> x >= y;
        };
    }

    private static int[] nanBlind(float[] v) {
        int[] r = bits(v);
        for (int i = 0; i < v.length; i++) {
            r[i] = Float.isNaN(v[i]) ? 0x7FC00000 : r[i];
        }
        return r;
    }

    private static int[] bits(float[] v) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Float.floatToRawIntBits(v[i]);
        }
        return r;
    }

    @ParameterizedTest
    @EnumSource(Direction.class)
    void maskedSelectMatchesJavaFloatSemantics(Direction d) {
        GraphBuilder g = new GraphBuilder();
        Tensor a = g.input("a", DType.F32, ROWS, COLS);
        Tensor b = g.input("b", DType.F32, ROWS, COLS);
        Graph graph = g.buildTensors(List.of(compare(a, b, d).select(a, b.neg())));
        float[][] in = operands();
        float[] expected = new float[N];
        for (int i = 0; i < N; i++) {
            expected[i] = javaCompare(d, in[0][i], in[1][i]) ? in[0][i] : -in[1][i];
        }
        for (Device device : List.of(ONE, THREE)) {
            float[] got = run(device, graph, in).getFirst().floats();
            assertArrayEquals(bits(expected), bits(got), d + " on " + device);
        }
        try (var e = (Nd4jExecutable) THREE.compile(graph)) {
            assertEquals(1, e.scheduledSteps(), "compare, negate and select run as one kernel");
        }
    }

    private static Tensor compare(Tensor a, Tensor b, Direction d) {
        return switch (d) {
            case EQ -> a.eq(b);
            case NE -> a.ne(b);
            case LT -> a.lt(b);
            case LE -> a.le(b);
            case GT -> a.gt(b);
            case GE -> a.ge(b);
        };
    }

    /**
     * Every unary op fused behind a multiply, over special values and ordinary ones, on kernels large
     * enough to run a private copy of the loops: bit for bit what the unfused f32 kernels compute.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("unaryOps")
    void fusedUnaryOpsMatchTheUnfusedKernels(UnaryOp op) {
        GraphBuilder g = new GraphBuilder();
        Tensor a = g.input("a", DType.F32, ROWS, COLS);
        Tensor b = g.input("b", DType.F32, ROWS, COLS);
        Tensor product = a.mul(b);
        Graph graph = g.buildTensors(List.of(g.wrap(g.add(op, product.node())).add(b)));
        float[][] in = operands();
        float[] expected = new float[N];
        for (int i = 0; i < N; i++) {
            expected[i] = (float) Elementwise.unaryDouble(op, in[0][i] * in[1][i]) + in[1][i];
        }
        // Bit for bit, except that any NaN matches any NaN: which payload survives an arithmetic op is
        // the hardware's choice (scalar and vector code differ), and IEEE leaves it open.
        for (Device device : List.of(ONE, THREE)) {
            assertArrayEquals(nanBlind(expected), nanBlind(run(device, graph, in).getFirst().floats()), op + " on " + device);
        }
        try (var e = (Nd4jExecutable) THREE.compile(graph)) {
            assertEquals(1, e.scheduledSteps(), "one fused kernel");
        }
    }

    static List<UnaryOp> unaryOps() {
        return List.of(new UnaryOp.Negate(), new UnaryOp.Abs(), new UnaryOp.Exp(), new UnaryOp.Log(),
                new UnaryOp.Log1p(), new UnaryOp.Sqrt(), new UnaryOp.Rsqrt(), new UnaryOp.Tanh(),
                new UnaryOp.Logistic(), new UnaryOp.Sign(), new UnaryOp.Floor(), new UnaryOp.Ceil());
    }

    /** Large kernels run a copy of the loops per op sequence (a hidden class); small ones share the class. */
    @Test
    void largeKernelsGetPrivateLoops() throws Throwable {
        var own = PrivateLoops.runner("[1][2]");
        var same = PrivateLoops.runner("[1][2]");
        var other = PrivateLoops.runner("[1][3]");
        var shared = PrivateLoops.runner(null);
        assertEquals(true, own == same && own != other && own != shared && other != shared,
                "one copy per op sequence, apart from the shared class");
        assertEquals(true, PrivateLoops.copy() != PrivateLoops.copy(), "each copy is a new class");
        float[][] f = {{1f, 2f}, {3f, 4f}, new float[2]};
        own.invokeExact(new int[] {FusedLoops.BINARY}, new int[] {BinaryLoops.MUL}, new int[] {0}, new int[] {1},
                new int[] {-1}, new int[] {2}, f, new int[3][], 2);
        assertArrayEquals(new float[] {3f, 8f}, f[2]);
    }

    /** ReLU's backward as autodiff writes it: g * select(x > 0, 1, select(x == 0, 0.5, 0)). */
    @Test
    void reluBackwardIsOnePass() {
        GraphBuilder g = new GraphBuilder();
        Tensor grad = g.input("g", DType.F32, ROWS, COLS);
        Tensor x = g.input("x", DType.F32, ROWS, COLS);
        Tensor half = x.eq(x.scalar(0)).select(x.scalar(0.5), x.scalar(0));
        Graph graph = g.buildTensors(List.of(grad.mul(x.gt(x.scalar(0)).select(x.scalar(1), half))));
        float[][] in = operands();
        float[] expected = new float[N];
        for (int i = 0; i < N; i++) {
            float share = in[1][i] > 0 ? 1f : in[1][i] == 0 ? 0.5f : 0f;
            expected[i] = in[0][i] * share;
        }
        for (Device device : List.of(ONE, THREE)) {
            assertArrayEquals(bits(expected), bits(run(device, graph, in).getFirst().floats()), "on " + device);
        }
        try (var e = (Nd4jExecutable) THREE.compile(graph)) {
            assertEquals(1, e.scheduledSteps());
        }
    }

    /** z = x + bias feeds h = max(z, 0) and, later, z * 3: h's kernel writes z too (a store). */
    @Test
    void storedValueIsWrittenForLaterReaders() {
        GraphBuilder g = new GraphBuilder();
        Tensor x = g.input("x", DType.F32, ROWS, COLS);
        Tensor bias = g.input("bias", DType.F32, COLS);
        Tensor z = x.add(bias);
        Tensor h = z.max(0);
        Graph graph = g.buildTensors(List.of(h, z.mul(3)));
        float[][] in = operands();
        float[] bv = new float[COLS];
        for (int j = 0; j < COLS; j++) {
            bv[j] = j * 0.25f - 7;
        }
        float[] eh = new float[N], ez = new float[N];
        for (int i = 0; i < N; i++) {
            float zi = in[0][i] + bv[i % COLS];
            eh[i] = Math.max(zi, 0f);
            ez[i] = zi * 3f;
        }
        for (Device device : List.of(ONE, THREE)) {
            var out = run(device, graph, new float[][] {in[0], bv});
            assertArrayEquals(bits(eh), bits(out.get(0).floats()), "max(x + bias, 0) on " + device);
            assertArrayEquals(bits(ez), bits(out.get(1).floats()), "(x + bias) * 3 on " + device);
        }
        try (var e = (Nd4jExecutable) THREE.compile(graph)) {
            assertEquals(2, e.scheduledSteps(), "add+max with a store of the sum, then the product");
        }
    }

    /** A value read between its absorber and the fused root cannot be stored that late: computed alone. */
    @Test
    void valueReadBeforeTheRootIsNotAbsorbed() {
        GraphBuilder g = new GraphBuilder();
        Tensor x = g.input("x", DType.F32, ROWS, COLS);
        Tensor z = x.add(x.scalar(1));
        Tensor early = z.mul(2);
        Tensor root = early.sub(z.max(0));
        Graph graph = g.buildTensors(List.of(root, early.exp()));
        float[][] in = operands();
        float[] er = new float[N], ee = new float[N];
        for (int i = 0; i < N; i++) {
            float zi = in[0][i] + 1f;
            float e2 = zi * 2f;
            er[i] = e2 - Math.max(zi, 0f);
            ee[i] = (float) Math.exp(e2);
        }
        var out = run(THREE, graph, new float[][] {in[0]});
        assertArrayEquals(bits(er), bits(out.get(0).floats()));
        assertArrayEquals(bits(ee), bits(out.get(1).floats()));
    }

    /** An update whose results only leave the graph runs as soon as its gradient exists. */
    @Test
    void updateRunsRightAfterItsGradient() {
        GraphBuilder g = new GraphBuilder();
        Tensor x = g.input("x", DType.F32, 4, 4);
        Tensor p = g.input("p", DType.F32, 4, 4);
        Tensor grad = x.matmul(x);
        Tensor later = x.matmul(p);
        Tensor update = p.sub(grad.mul(0.5));
        Graph graph = g.buildTensors(List.of(later, update));
        List<dev.lockstep.graph.Node> nodes = graph.nodes();
        int[] pos = new int[nodes.getLast().id() + 1];
        for (int i = 0; i < nodes.size(); i++) {
            pos[nodes.get(i).id()] = i;
        }
        int[] order = Compiler.order(Rewrites.plan(graph, pos));
        List<Integer> seq = new ArrayList<>();
        for (int i : order) {
            seq.add(i);
        }
        int gradAt = seq.indexOf(pos[grad.node().id()]);
        assertEquals(pos[update.node().id()], seq.get(gradAt + 1), "schedule " + seq);
        assertEquals(true, seq.indexOf(pos[later.node().id()]) > gradAt + 1, "schedule " + seq);
        float[] xv = new float[16], pv = new float[16];
        for (int i = 0; i < 16; i++) {
            xv[i] = i * 0.5f - 3;
            pv[i] = 1 - i * 0.25f;
        }
        var out = run(THREE, graph, new float[][] {xv, pv});
        for (int i = 0; i < 16; i++) {
            int r = i / 4, c = i % 4;
            float dot = 0;
            for (int k = 0; k < 4; k++) {
                dot += xv[r * 4 + k] * xv[k * 4 + c];
            }
            assertEquals(pv[i] - dot * 0.5f, out.get(1).floats()[i], 1e-5f);
        }
    }

    private static List<HostTensor> run(Device device, Graph graph, float[][] inputs) {
        List<dev.lockstep.device.Buffer> in = new ArrayList<>();
        for (int k = 0; k < inputs.length; k++) {
            in.add(device.upload(HostTensor.ofFloats(inputs[k], graph.parameters().get(k).shape().dims())));
        }
        try (var e = device.compile(graph)) {
            var out = e.execute(in);
            List<HostTensor> host = new ArrayList<>();
            for (var b : out) {
                host.add(b.toHost());
                b.close();
            }
            return host;
        } finally {
            in.forEach(dev.lockstep.device.Buffer::close);
        }
    }
}
