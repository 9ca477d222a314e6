package dev.lockstep.device;

import dev.lockstep.graph.Graph;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.OpKind;
import dev.lockstep.tensor.DType;
import java.util.EnumSet;
import java.util.Set;

/** What a device can run, as typed sets: never strings. */
public record Capabilities(Set<OpKind> ops, Set<DType> dtypes) {
    public Capabilities {
        ops = ops.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(ops));
        dtypes = dtypes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(dtypes));
    }

    public static Capabilities of(EnumSet<OpKind> ops, EnumSet<DType> dtypes) {
        return new Capabilities(ops, dtypes);
    }

    public boolean supports(OpKind op) {
        return ops.contains(op);
    }

    public boolean supports(DType dtype) {
        return dtypes.contains(dtype);
    }

    /**
     * Throws {@link CompileException} at the first node whose op or dtype (of the result or any
     * operand) this device lacks, naming the node and listing what the device has.
     */
    public void require(Graph graph, String device) {
        for (Node n : graph.nodes()) {
            if (!supports(n.kind())) {
                throw new CompileException(device, n, "op " + n.kind() + " is not supported; " + device
                        + " supports " + EnumSet.copyOf(ops));
            }
            checkDType(n.dtype(), n, device);
            for (Node o : n.operands()) {
                checkDType(o.dtype(), n, device);
            }
        }
    }

    private void checkDType(DType d, Node n, String device) {
        if (!supports(d)) {
            throw new CompileException(device, n, "dtype " + d + " is not supported; " + device
                    + " supports " + EnumSet.copyOf(dtypes));
        }
    }
}
