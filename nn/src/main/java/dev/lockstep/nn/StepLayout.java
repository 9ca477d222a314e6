package dev.lockstep.nn;

import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The typed layout of one training step, built once by {@link TrainStep#layout}: the gradient and
 * apply programs with their ports, and the <em>reduce payload</em>: everything replica-local that
 * must be summed over replicas before the apply program commits it, in a fixed order (invariant 5).
 * The payload is the gradient program's outputs (loss sum, gradients, layer state) in graph order,
 * then the example count and the replica count, which the runner fills on the host.
 */
public final class StepLayout {
    private static final TensorType COUNT = TensorType.of(dev.lockstep.tensor.DType.F32);

    private final Program gradient;
    private final Program apply;
    private final List<Port> payload;

    private StepLayout(Program gradient, Program apply, List<Port> payload) {
        this.gradient = gradient;
        this.apply = apply;
        this.payload = List.copyOf(payload);
    }

    /**
     * Checks that the apply program reads exactly what the payload carries and commits every
     * variable it reads, naming the path and role of the first mismatch.
     */
    public static StepLayout of(Program gradient, Program apply) {
        List<Port> payload = new ArrayList<>(gradient.outputs());
        for (Port p : payload) {
            if (!p.role().reduced()) {
                throw new IllegalArgumentException("gradient program output " + p + " has a role that is not "
                        + "reduced; only " + reducedRoles() + " may leave a replica");
            }
        }
        payload.add(new Port(Role.EXAMPLE_COUNT, TrainStep.EXAMPLE_COUNT, TrainStep.EXAMPLE_COUNT, COUNT));
        payload.add(new Port(Role.REPLICA_COUNT, TrainStep.REPLICA_COUNT, TrainStep.REPLICA_COUNT, COUNT));
        StepLayout layout = new StepLayout(gradient, apply, payload);
        for (Port in : apply.inputs()) {
            if (in.role().reduced() && in.role() != Role.REPLICA_COUNT && layout.find(in.role(), in.path()) < 0) {
                throw new IllegalArgumentException("the apply program reads " + in + " but the gradient program "
                        + "does not produce it");
            }
        }
        for (Port p : payload) {
            boolean read = apply.inputs().stream().anyMatch(i -> i.role() == p.role() && i.path().equals(p.path()));
            if (!read && p.role() != Role.REPLICA_COUNT) {
                throw new IllegalArgumentException(p + " leaves the gradient program but the apply program does not "
                        + "read it (state would be dropped; trace both with TrainStep.layout)");
            }
        }
        for (Port in : apply.inputs()) {
            if ((in.role() == Role.PARAMETER || in.role() == Role.SLOT || in.role() == Role.STATE)
                    && apply.outputs().stream().noneMatch(o -> o.role() == in.role() && o.path().equals(in.path()))) {
                throw new IllegalArgumentException("the apply program reads " + in + " but does not commit it");
            }
        }
        return layout;
    }

    private static List<Role> reducedRoles() {
        return java.util.Arrays.stream(Role.values()).filter(Role::reduced).toList();
    }

    public Program gradient() {
        return gradient;
    }

    public Program apply() {
        return apply;
    }

    /** The reduce payload in its fixed order. */
    public List<Port> payload() {
        return payload;
    }

    /** Payload entries of {@code role}, in payload order. */
    public List<Port> payload(Role role) {
        return payload.stream().filter(p -> p.role() == role).toList();
    }

    /** The payload position of {@code role} at {@code path}; the error lists that role's paths. */
    public int payloadIndex(Role role, String path) {
        int i = find(role, path);
        if (i < 0) {
            throw new IllegalArgumentException("the step payload has no " + role + " '" + path + "'; it has "
                    + payload(role).stream().map(Port::path).toList());
        }
        return i;
    }

    /** The payload position of the single entry of {@code role} (loss sum, example count, replica count). */
    public int payloadIndex(Role role) {
        List<Port> of = payload(role);
        if (of.size() != 1) {
            throw new IllegalArgumentException("the step payload has " + of.size() + " entries of role " + role);
        }
        return payloadIndex(role, of.getFirst().path());
    }

    private int find(Role role, String path) {
        for (int i = 0; i < payload.size(); i++) {
            if (payload.get(i).role() == role && payload.get(i).path().equals(path)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Every tensor a runner keeps between steps, by store key (parameters and state by module path,
     * slots by {@code slot/<path>/<slot>}), with its type and role: the inputs of either program that
     * are variables or slots.
     */
    public Map<String, Port> variables() {
        Map<String, Port> out = new LinkedHashMap<>();
        for (Program p : List.of(gradient, apply)) {
            for (Port in : p.inputs()) {
                if (in.role() == Role.PARAMETER || in.role() == Role.SLOT
                        || (in.role() == Role.STATE && p == gradient)) {
                    out.putIfAbsent(in.path(), in);
                }
            }
        }
        return out;
    }
}
