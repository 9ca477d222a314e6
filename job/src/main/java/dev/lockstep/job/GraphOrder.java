package dev.lockstep.job;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Orders graph nodes so each comes after the nodes it reads; a cycle is a problem naming its nodes. */
final class GraphOrder {
    private GraphOrder() {}

    private enum Mark { VISITING, DONE }

    /** Depth-first, starting from nodes in spec order, so a spec already in order keeps its order. */
    static List<ModelSpec.Node> sort(Map<String, ModelSpec.Node> nodes, Map<String, String> pathOf, Problems problems) {
        List<ModelSpec.Node> out = new ArrayList<>();
        Map<String, Mark> marks = new HashMap<>();
        for (String name : nodes.keySet()) {
            if (!visit(name, nodes, marks, new ArrayList<>(), out, pathOf, problems)) {
                return List.copyOf(nodes.values()); // a cycle was reported; the order no longer matters
            }
        }
        return out;
    }

    private static boolean visit(String name, Map<String, ModelSpec.Node> nodes, Map<String, Mark> marks,
                                 List<String> stack, List<ModelSpec.Node> out, Map<String, String> pathOf,
                                 Problems problems) {
        ModelSpec.Node node = nodes.get(name);
        if (node == null || marks.get(name) == Mark.DONE) {
            return true; // a feature, an unknown reference (reported elsewhere), or already placed
        }
        if (marks.get(name) == Mark.VISITING) {
            List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(name), stack.size()));
            cycle.add(name);
            // Reported at the first node's inputs, unless the closing edge is the last node's initial state.
            ModelSpec.Node last = nodes.get(stack.getLast());
            boolean viaState = last.inputs().stream().noneMatch(r -> r.source().equals(name));
            String at = viaState ? pathOf.get(last.name()) + ".initial_state" : pathOf.get(name) + ".inputs";
            problems.add(at, "cycle " + String.join(" -> ", cycle)
                    + "; a graph node may only read features and nodes that do not depend on it");
            return false;
        }
        marks.put(name, Mark.VISITING);
        stack.add(name);
        for (ModelSpec.Ref r : node.reads()) {
            if (!visit(r.source(), nodes, marks, stack, out, pathOf, problems)) {
                return false;
            }
        }
        stack.removeLast();
        marks.put(name, Mark.DONE);
        out.add(node);
        return true;
    }
}
