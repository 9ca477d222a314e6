package dev.lockstep.device.conformance;

import dev.lockstep.graph.OpKind;
import java.util.List;

/**
 * One gradient-check case: {@code body} applies the op under test to parameters drawn from
 * {@code inputs} (f64, away from kinks); gradients are checked for the inputs flagged in
 * {@code wrt} (integer indices and bool predicates are not differentiated).
 */
record GradCase(OpKind kind, String note, List<Input> inputs, List<Boolean> wrt, CaseBuilder.Body body) {

    String label() {
        String types = String.join(", ", inputs.stream().map(i -> i.type().toString()).toList());
        return kind.stablehlo() + " (" + types + ") " + note;
    }
}
