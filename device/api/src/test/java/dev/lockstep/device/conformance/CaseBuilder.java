package dev.lockstep.device.conformance;

import dev.lockstep.tensor.DType;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.Op;
import dev.lockstep.graph.OpKind;
import dev.lockstep.tensor.HostTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Collects conformance cases. Each case gets its own seed (its position in the table), so the
 * inputs of a case do not change when cases are added elsewhere in the table... as long as cases
 * are appended; a failing case prints its seed for reproduction.
 */
final class CaseBuilder {
    /** The graph body of a case: builds the result from the parameter nodes. */
    interface Body {
        Node build(GraphBuilder b, List<Node> params);
    }

    static final List<DType> FLOATS = List.of(DType.F32, DType.F64, DType.BF16, DType.F16);
    static final List<DType> NUMERIC = List.of(DType.F32, DType.F64, DType.BF16, DType.F16, DType.I32, DType.I64);
    static final List<DType> ALL = List.of(DType.values());

    private final List<OpCase> cases = new ArrayList<>();

    List<OpCase> cases() {
        return List.copyOf(cases);
    }

    /** {@code op} applied directly to one fresh parameter per input; error scale 1. */
    void op(Op op, Input... inputs) {
        op(op, 1, inputs);
    }

    void op(Op op, double scale, Input... inputs) {
        add(OpKind.of(op), OpKind.describe(op), scale, List.of(inputs), (b, p) -> b.add(op, p));
    }

    /** A case whose graph is {@code body} over fresh parameters; {@code note} describes it. */
    void add(OpKind kind, String note, double scale, List<Input> inputs, Body body) {
        long seed = 0x5eed_0000L + cases.size();
        Random rnd = new Random(seed);
        GraphBuilder b = new GraphBuilder();
        List<Node> params = new ArrayList<>();
        List<HostTensor> values = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            params.add(b.parameter("in" + i, inputs.get(i).type()));
            values.add(inputs.get(i).sample(rnd));
        }
        Node out;
        try {
            out = body.build(b, params);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("conformance case table: cannot build " + kind + " case '" + note
                    + "': " + e.getMessage(), e);
        }
        Graph g = b.build(out);
        String types = inputs.stream().map(in -> in.type().toString()).collect(Collectors.joining(", ", "(", ")"));
        String label = kind.stablehlo() + " " + out.dtype() + " " + types + " -> " + out.type() + " " + note
                + " [seed " + Long.toHexString(seed) + "]";
        cases.add(new OpCase(kind, out.dtype(), label, g, values, scale));
    }

    static int[] ints(int... v) {
        return v;
    }

    static String dims(int... v) {
        return Arrays.toString(v);
    }
}
