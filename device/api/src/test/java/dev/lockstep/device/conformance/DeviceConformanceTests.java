package dev.lockstep.device.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Capabilities;
import dev.lockstep.device.CompileException;
import dev.lockstep.device.Device;
import dev.lockstep.device.Executable;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.OpKind;
import dev.lockstep.tensor.HostTensor;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The op conformance suite every executor runs. Each case of {@link ConformanceCases} (every
 * {@link OpKind}, each dtype it accepts, scalars, size-1 and empty dimensions, broadcasting and
 * attribute variants) is compiled on the device under test, run on seeded random inputs and
 * compared with the {@link ReferenceInterpreter}. Cases using an op or dtype outside
 * {@link Device#capabilities()} are skipped and counted. The last dynamic test prints
 * {@code conformance[<device>]: <ops> ops, <cases> cases, <failed> failed}.
 *
 * <p>To run it, subclass in the executor's test sources (depend on {@code lockstep-device-api}
 * with {@code <type>test-jar</type>}, test scope):
 * <pre>{@code
 * class CpuConformanceTest extends DeviceConformanceTests {
 *     private static final Device DEVICE = new Nd4jDevice();
 *     @Override protected Device device() { return DEVICE; }
 *     @AfterAll static void close() { DEVICE.close(); }
 * }
 * }</pre>
 * The suite never closes the device; {@link #device()} may return the same instance every call.
 * Override {@link #tolerance(DType)} only with a reason (e.g. a backend that computes f16 in f16).
 */
public abstract class DeviceConformanceTests {

    /** The device under test. */
    protected abstract Device device();

    /** Allowed error per result dtype; defaults to {@link Tolerance#defaultFor(DType)}. */
    protected Tolerance tolerance(DType dtype) {
        return Tolerance.defaultFor(dtype);
    }

    @TestFactory
    Stream<DynamicTest> everyOpMatchesTheReference() {
        return cases(c -> true);
    }

    /** Dynamic tests for the cases matching {@code filter}, followed by the summary line. */
    final Stream<DynamicTest> cases(Predicate<OpCase> filter) {
        Device device = device();
        Capabilities caps = device.capabilities();
        List<OpCase> all = ConformanceCases.all();
        List<OpCase> runnable = new ArrayList<>();
        int skipped = 0;
        for (OpCase c : all) {
            if (!filter.test(c)) {
                continue;
            }
            if (supported(c.graph(), caps)) {
                runnable.add(c);
            } else {
                skipped++;
            }
        }
        Set<OpKind> kinds = EnumSet.noneOf(OpKind.class);
        runnable.forEach(c -> kinds.add(c.kind()));
        int[] failed = {0};
        int skippedCases = skipped;
        Stream<DynamicTest> tests = runnable.stream().map(c -> DynamicTest.dynamicTest(c.label(), () -> {
            try {
                check(device, c);
            } catch (AssertionError | RuntimeException e) {
                failed[0]++;
                throw e;
            }
        }));
        DynamicTest summary = DynamicTest.dynamicTest("summary", () -> {
            System.out.println("conformance[" + device.name() + "]: " + kinds.size() + " ops, " + runnable.size()
                    + " cases, " + failed[0] + " failed" + (skippedCases > 0 ? ", " + skippedCases
                    + " skipped (op or dtype not in capabilities)" : ""));
            assertEquals(0, failed[0], "conformance cases failed on " + device.name());
        });
        return Stream.concat(tests, Stream.of(summary));
    }

    private void check(Device device, OpCase c) {
        List<HostTensor> expected = ReferenceInterpreter.evaluate(c.graph(), c.inputs());
        List<HostTensor> actual = run(device, c.graph(), c.inputs(), c.label());
        for (int i = 0; i < expected.size(); i++) {
            String problem = Comparison.mismatch(expected.get(i), actual.get(i), tolerance(c.dtype()), c.scale());
            if (problem != null) {
                fail(c.label() + " on " + device.name() + ", output " + i + ": " + problem
                        + "\n  inputs " + c.inputs() + "\n" + c.graph());
            }
        }
    }

    /** Compiles and runs {@code graph} on the device, returning its outputs on the host. */
    static List<HostTensor> run(Device device, Graph graph, List<HostTensor> inputs, String what) {
        List<Buffer> in = new ArrayList<>();
        List<Buffer> out = List.of();
        try (Executable exe = device.compile(graph)) {
            for (HostTensor h : inputs) {
                in.add(device.upload(h));
            }
            out = exe.execute(in);
            return out.stream().map(Buffer::toHost).toList();
        } catch (RuntimeException e) {
            throw new AssertionError(what + ": device " + device.name() + " threw " + e, e);
        } finally {
            in.forEach(Buffer::close);
            out.forEach(Buffer::close);
        }
    }

    static boolean supported(Graph g, Capabilities caps) {
        for (Node n : g.nodes()) {
            if (!caps.supports(n.kind()) || !caps.supports(n.dtype())) {
                return false;
            }
            for (Node o : n.operands()) {
                if (!caps.supports(o.dtype())) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void caseTableCoversEveryOpKind() {
        assertEquals(Set.of(), ConformanceCases.missingKinds(ConformanceCases.all()),
                "op kinds without conformance cases (add them to the case table)");
    }

    /** Only meaningful for devices that lack some op or dtype; others skip it. */
    @Test
    void unsupportedOpOrDtypeIsACompileExceptionListingCapabilities() {
        Device device = device();
        Capabilities caps = device.capabilities();
        OpCase unsupported = ConformanceCases.all().stream()
                .filter(c -> !supported(c.graph(), caps)).findFirst().orElse(null);
        Assumptions.assumeTrue(unsupported != null, device.name() + " supports every op and dtype of the case table");
        CompileException e = assertThrows(CompileException.class, () -> device.compile(unsupported.graph()),
                unsupported.label() + " uses an op or dtype outside " + device.name() + "'s capabilities");
        String msg = e.getMessage();
        assertTrue(msg.contains(device.name()), "message should name the device: " + msg);
        boolean listsOps = caps.ops().stream().allMatch(k -> msg.contains(k.toString()));
        boolean listsDtypes = caps.dtypes().stream().allMatch(d -> msg.contains(d.toString()));
        assertTrue(listsOps || listsDtypes, "message should list what " + device.name() + " supports: " + msg);
    }

    @Test
    void executeRejectsWronglyTypedInputsNamingTheParameter() {
        Device device = device();
        Set<DType> dtypes = device.capabilities().dtypes();
        DType d = firstNumeric(device);
        var b = new dev.lockstep.graph.GraphBuilder();
        var x = b.input("conformance/weights", d, 2, 3);
        Graph g = b.buildTensors(List.of(x.abs()));
        try (Executable exe = device.compile(g);
             Buffer wrongShape = device.upload(HostTensor.zeros(dev.lockstep.tensor.TensorType.of(d, 3, 2)))) {
            var e = assertThrows(IllegalArgumentException.class, () -> exe.execute(List.of(wrongShape)).forEach(Buffer::close));
            assertTrue(e.getMessage().contains("conformance/weights"), "message should name the parameter: " + e.getMessage());
            DType other = dtypes.stream().filter(o -> o != d).findFirst().orElse(null);
            if (other != null) {
                try (Buffer wrongType = device.upload(HostTensor.zeros(dev.lockstep.tensor.TensorType.of(other, 2, 3)))) {
                    var e2 = assertThrows(IllegalArgumentException.class, () -> exe.execute(List.of(wrongType)).forEach(Buffer::close));
                    assertTrue(e2.getMessage().contains("conformance/weights"), "message should name the parameter: " + e2.getMessage());
                }
            }
        }
    }

    /** Outputs land in caller-owned buffers, which can be reused across runs with new inputs. */
    @Test
    void executeWritesIntoReusedOutputBuffers() {
        Device device = device();
        DType d = firstNumeric(device);
        var b = new dev.lockstep.graph.GraphBuilder();
        var x = b.input("x", d, 2, 3);
        var y = b.input("y", d, 2, 3);
        var sum = x.add(y);
        // the same node twice and a parameter as outputs: each needs its own copy
        Graph g = b.buildTensors(List.of(sum, x, sum.mul(x)));
        Random rnd = new Random(7);
        List<Buffer> outs = new ArrayList<>();
        List<Buffer> ins = new ArrayList<>();
        try (Executable exe = device.compile(g)) {
            g.outputTypes().forEach(t -> outs.add(device.allocate(t)));
            g.inputTypes().forEach(t -> ins.add(device.allocate(t)));
            for (int step = 0; step < 2; step++) {
                List<HostTensor> hostIn = new ArrayList<>();
                for (int i = 0; i < ins.size(); i++) {
                    HostTensor h = Input.of(d, 2, 3).sample(rnd);
                    hostIn.add(h);
                    ins.get(i).copyFrom(h);
                }
                exe.execute(ins, outs);
                List<HostTensor> expected = ReferenceInterpreter.evaluate(g, hostIn);
                for (int i = 0; i < outs.size(); i++) {
                    String problem = Comparison.mismatch(expected.get(i), outs.get(i).toHost(), tolerance(d), 1);
                    assertTrue(problem == null, "run " + step + ", output " + i + " on " + device.name() + ": " + problem);
                }
            }
        } finally {
            ins.forEach(Buffer::close);
            outs.forEach(Buffer::close);
        }
    }

    /**
     * {@code execute} with a listener: every output is announced exactly once, and when it is, its
     * buffer already holds the final value (read there, as the all-reduce of a gradient reads it).
     */
    @Test
    void outputListenerSeesEachOutputOnceWithItsFinalValue() {
        Device device = device();
        DType d = firstNumeric(device);
        var b = new dev.lockstep.graph.GraphBuilder();
        var x = b.input("x", d, 2, 3);
        var y = b.input("y", d, 2, 3);
        var sum = x.add(y);
        var late = sum.mul(x).add(y).mul(sum);
        // a computed node, a parameter, the same node twice, a reshape and a later chain
        Graph g = b.buildTensors(List.of(sum, x, sum, sum.reshape(3, 2), late));
        Random rnd = new Random(11);
        List<HostTensor> hostIn = List.of(Input.of(d, 2, 3).sample(rnd), Input.of(d, 2, 3).sample(rnd));
        List<Buffer> ins = new ArrayList<>();
        List<Buffer> outs = new ArrayList<>();
        try (Executable exe = device.compile(g)) {
            hostIn.forEach(h -> ins.add(device.upload(h)));
            g.outputTypes().forEach(t -> outs.add(device.allocate(t)));
            HostTensor[] seen = new HostTensor[outs.size()];
            int[] calls = new int[outs.size()];
            exe.execute(ins, outs, k -> {
                calls[k]++;
                seen[k] = outs.get(k).toHost();
            });
            List<HostTensor> expected = ReferenceInterpreter.evaluate(g, hostIn);
            for (int k = 0; k < outs.size(); k++) {
                assertEquals(1, calls[k], "output " + k + " announced " + calls[k] + " times on " + device.name());
                String atReady = Comparison.mismatch(expected.get(k), seen[k], tolerance(d), 1);
                assertTrue(atReady == null, "output " + k + " when announced on " + device.name() + ": " + atReady);
                assertEquals(seen[k].toString(), outs.get(k).toHost().toString(),
                        "output " + k + " changed after it was announced on " + device.name());
            }
        } finally {
            ins.forEach(Buffer::close);
            outs.forEach(Buffer::close);
        }
    }

    @Test
    void executeRejectsWrongInputCountAndWronglyTypedOutputs() {
        Device device = device();
        DType d = firstNumeric(device);
        var b = new dev.lockstep.graph.GraphBuilder();
        var x = b.input("conformance/x", d, 4);
        Graph g = b.buildTensors(List.of(x.neg()));
        try (Executable exe = device.compile(g);
             Buffer in = device.upload(HostTensor.zeros(dev.lockstep.tensor.TensorType.of(d, 4)));
             Buffer badOut = device.allocate(dev.lockstep.tensor.TensorType.of(d, 5))) {
            assertThrows(IllegalArgumentException.class, () -> exe.execute(List.of(in, in), List.of(badOut)),
                    "two inputs for a one-parameter graph");
            var e = assertThrows(IllegalArgumentException.class, () -> exe.execute(List.of(in), List.of(badOut)),
                    "an output buffer of the wrong shape");
            assertTrue(e.getMessage().contains("output"), "message should say which output: " + e.getMessage());
        }
    }

    private static DType firstNumeric(Device device) {
        Set<DType> dtypes = device.capabilities().dtypes();
        return dtypes.contains(DType.F32) ? DType.F32 : dtypes.stream().filter(t -> !t.isBool()).findFirst().orElseThrow();
    }
}
