package dev.lockstep.device.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Executable;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.OpKind;
import dev.lockstep.graph.Tensor;
import dev.lockstep.graph.autodiff.Autodiff;
import dev.lockstep.tensor.HostTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Numeric check of autodiff on a device: for every differentiable {@link OpKind}, the f64 loss
 * {@code sum(op(inputs) * w)} with fixed random weights {@code w} is differentiated with
 * {@link Autodiff#grad} and the gradient graph runs on the device; every gradient element must
 * match a central finite difference {@code (L(x + eps) - L(x - eps)) / 2 eps} (eps 1e-6) of the
 * forward graph on the same device. Covers conv (1-D, 2-D, strides, padding, dilations, groups),
 * gather and scatter (with clamped and skipped indices), pooling and its gradient, dynamic slice,
 * concatenate, interior padding, batched dot_general and broadcasting. Prints
 * {@code gradcheck[<device>]: <ops> ops, <cases> cases}.
 *
 * <p>Needs f64: on a device without it the suite fails (it never skips silently). Subclass it in
 * the executor's tests like {@link DeviceConformanceTests}:
 * <pre>{@code
 * class CpuGradientCheckTest extends GradientCheckTests {
 *     @Override protected Device device() { return DEVICE; }
 * }
 * }</pre>
 */
public abstract class GradientCheckTests {
    private static final double EPS = 1e-6;

    /** The device under test; never closed by the suite. */
    protected abstract Device device();

    @TestFactory
    Stream<DynamicTest> everyDifferentiableOpMatchesFiniteDifferences() {
        Device device = device();
        if (!device.capabilities().supports(DType.F64)) {
            return Stream.of(DynamicTest.dynamicTest("f64 support", () -> fail("gradient checks need f64, which "
                    + device.name() + " lacks (it supports " + device.capabilities().dtypes()
                    + "); run them on a device with f64 rather than skipping them")));
        }
        List<GradCase> cases = GradCases.all();
        Set<OpKind> kinds = EnumSet.noneOf(OpKind.class);
        cases.forEach(c -> kinds.add(c.kind()));
        int[] failed = {0};
        Stream<DynamicTest> tests = cases.stream().map(c -> DynamicTest.dynamicTest(c.label(), () -> {
            try {
                check(device, c, cases.indexOf(c));
            } catch (AssertionError | RuntimeException e) {
                failed[0]++;
                throw e;
            }
        }));
        return Stream.concat(tests, Stream.of(DynamicTest.dynamicTest("summary", () -> {
            System.out.println("gradcheck[" + device.name() + "]: " + kinds.size() + " ops, " + cases.size()
                    + " cases, " + failed[0] + " failed");
            assertEquals(0, failed[0], "gradient checks failed on " + device.name());
        })));
    }

    @Test
    void gradientTableCoversEveryDifferentiableOp() {
        EnumSet<OpKind> missing = EnumSet.noneOf(OpKind.class);
        for (OpKind k : OpKind.values()) {
            if (k.differentiable()) {
                missing.add(k);
            }
        }
        GradCases.all().forEach(c -> missing.remove(c.kind()));
        assertEquals(EnumSet.noneOf(OpKind.class), missing, "differentiable ops without a gradient check");
    }

    private static void check(Device device, GradCase c, int index) {
        Random rnd = new Random(0x67AD_0000L + index);
        List<HostTensor> inputs = new ArrayList<>();
        for (Input in : c.inputs()) {
            inputs.add(in.sample(rnd));
        }
        long weightSeed = rnd.nextLong();
        GraphBuilder fb = new GraphBuilder();
        Graph forward = fb.buildTensors(List.of(loss(fb, c, weightSeed)));

        GraphBuilder gb = new GraphBuilder();
        Tensor gLoss = loss(gb, c, weightSeed);
        List<Tensor> wrt = new ArrayList<>();
        List<Integer> wrtIndex = new ArrayList<>();
        for (int i = 0; i < c.inputs().size(); i++) {
            if (c.wrt().get(i)) {
                wrt.add(gb.wrap(gb.parameters().get(i)));
                wrtIndex.add(i);
            }
        }
        List<Tensor> grads = Autodiff.grad(gLoss, wrt);
        List<Tensor> outs = new ArrayList<>();
        outs.add(gLoss);
        outs.addAll(grads);
        Graph gradGraph = gb.buildTensors(outs);
        List<HostTensor> analytic = DeviceConformanceTests.run(device, gradGraph, inputs, c.label() + " gradient graph");

        try (Executable exe = device.compile(forward)) {
            for (int w = 0; w < wrtIndex.size(); w++) {
                int i = wrtIndex.get(w);
                double[] g = analytic.get(1 + w).toDoubles();
                double[] x = inputs.get(i).toDoubles();
                double base = Math.abs(analytic.getFirst().getDouble(0));
                for (int k = 0; k < x.length; k++) {
                    double numeric = (lossAt(device, exe, inputs, i, x, k, EPS) - lossAt(device, exe, inputs, i, x, k, -EPS)) / (2 * EPS);
                    double allowed = 1e-6 * Math.max(1, base) + 1e-5 * Math.abs(numeric);
                    if (!(Math.abs(g[k] - numeric) <= allowed)) {
                        int[] at = new int[c.inputs().get(i).type().rank()];
                        Indexing.unravel(k, c.inputs().get(i).type().shape().dims(), at);
                        fail(c.label() + " on " + device.name() + ": d loss / d input " + i + " at " + Arrays.toString(at)
                                + ": autodiff " + g[k] + ", finite difference " + numeric + " (allowed " + allowed + ")"
                                + "\n  inputs " + inputs + "\n  gradient graph:\n" + gradGraph);
                    }
                }
            }
        }
    }

    /** loss = sum(op(params) * w) with weights drawn from {@code seed}. */
    private static Tensor loss(GraphBuilder b, GradCase c, long seed) {
        List<Node> params = new ArrayList<>();
        for (int i = 0; i < c.inputs().size(); i++) {
            params.add(b.parameter("in" + i, c.inputs().get(i).type()));
        }
        Tensor y = b.wrap(c.body().build(b, params));
        HostTensor w = Input.of(DType.F64, y.shape().dims()).sample(new Random(seed));
        Tensor weights = b.constant(y.type(), w.size() == 0 ? new double[] {0} : w.toDoubles());
        int[] all = new int[y.rank()];
        Arrays.setAll(all, a -> a);
        return y.mul(weights).sum(all);
    }

    private static double lossAt(Device device, Executable exe, List<HostTensor> inputs, int which, double[] x, int k, double delta) {
        double[] moved = x.clone();
        moved[k] += delta;
        List<Buffer> in = new ArrayList<>();
        List<Buffer> out = List.of();
        try {
            for (int i = 0; i < inputs.size(); i++) {
                in.add(device.upload(i == which ? HostTensor.ofDoubles(moved, inputs.get(i).shape().dims()) : inputs.get(i)));
            }
            out = exe.execute(in);
            return out.getFirst().toHost().getDouble(0);
        } finally {
            in.forEach(Buffer::close);
            out.forEach(Buffer::close);
        }
    }
}
