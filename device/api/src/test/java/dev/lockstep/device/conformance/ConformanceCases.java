package dev.lockstep.device.conformance;

import dev.lockstep.graph.OpKind;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The conformance case table: every op kind, its dtypes, shapes and attribute variants. */
final class ConformanceCases {
    private ConformanceCases() {}

    /** Every case, in a fixed order (each case's seed is its position). */
    static List<OpCase> all() {
        CaseBuilder c = new CaseBuilder();
        ElementwiseCases.addAll(c);
        LayoutCases.addAll(c);
        IndexCases.addAll(c);
        ComputeCases.addAll(c);
        return c.cases();
    }

    /** Op kinds that no case exercises (empty when the table is complete). */
    static Set<OpKind> missingKinds(List<OpCase> cases) {
        EnumSet<OpKind> missing = EnumSet.allOf(OpKind.class);
        cases.forEach(c -> missing.remove(c.kind()));
        return missing;
    }
}
