package dev.lockstep.device.xla;

import dev.lockstep.device.CompileException;
import dev.lockstep.graph.Node;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the emitter's own output before XLA sees it, because a module XLA rejects surfaces in Java
 * only as "Cannot deserialize computation". Reads the generic-syntax text back and verifies: every
 * SSA value is defined once and before use, in a visible scope (names inside a region die with it);
 * each operand's type in an op's signature is the type its definition declared; regions, blocks and
 * braces balance; the function's argument and return types are the graph's signature; and the value
 * of every node has the node's type. A failure is a {@link CompileException} naming the node that
 * emitted the line. Semantic errors are left to the conformance suite run through XLA.
 */
final class ModuleChecker {
    private static final Pattern OP = Pattern.compile(
            "^(?:(%[A-Za-z0-9_$.-]+)(?::(\\d+))? = )?\"([a-z_.]+)\"\\(([^()]*)\\)(.*)$");
    private static final Pattern ARG = Pattern.compile("(%[A-Za-z0-9_$.-]+): (tensor<[^>]*>)");

    private final StableHloModule module;
    private final String device;
    private final Map<String, String> types = new HashMap<>();
    private final Deque<Set<String>> scopes = new ArrayDeque<>();
    private final Deque<Pending> regions = new ArrayDeque<>();
    private final String[] lines;
    private int line;
    private Node owner;

    private record Pending(String result, int count, List<String> operands, int line) {}

    private ModuleChecker(StableHloModule module, String device) {
        this.module = module;
        this.device = device;
        this.lines = module.text().split("\n");
    }

    static void check(StableHloModule module, Map<Node, String> values, String device) {
        ModuleChecker c = new ModuleChecker(module, device);
        c.run();
        for (var e : values.entrySet()) {
            String declared = c.types.get(e.getValue());
            if (!e.getKey().type().mlir().equals(declared)) {
                throw new CompileException(device, e.getKey(), "emitted StableHLO declares its value "
                        + e.getValue() + " as " + declared + ", but the graph says " + e.getKey().type().mlir());
            }
        }
    }

    private void run() {
        for (line = 1; line <= lines.length; line++) {
            owner = module.nodeAtLine(line);
            String t = lines[line - 1].trim();
            if (t.startsWith("module ") && t.endsWith("{")) {
                scopes.push(new HashSet<>());
            } else if (t.startsWith("func.func ")) {
                function(t);
            } else if (t.equals("}")) {
                pop("}");
            } else if (t.startsWith("^bb")) {
                Matcher m = ARG.matcher(t);
                while (m.find()) {
                    define(m.group(1), m.group(2));
                }
            } else if (t.equals("}, {")) {
                pop("}, {");
                if (regions.isEmpty()) {
                    fail("region separator outside a region op");
                }
                scopes.push(new HashSet<>());
            } else if (t.startsWith("})")) {
                closeRegionOp(t);
            } else {
                op(t);
            }
        }
        if (!scopes.isEmpty() || !regions.isEmpty()) {
            fail("unbalanced module: " + scopes.size() + " scopes and " + regions.size() + " region ops left open");
        }
    }

    private void function(String t) {
        scopes.push(new HashSet<>());
        Matcher m = ARG.matcher(t.substring(0, t.indexOf(") -> (")));
        List<String> argTypes = new ArrayList<>();
        while (m.find()) {
            define(m.group(1), m.group(2));
            argTypes.add(m.group(2));
        }
        List<String> want = module.inputTypes().stream().map(TensorType::mlir).toList();
        if (!argTypes.equals(want)) {
            fail("function arguments " + argTypes + " differ from the graph's inputs " + want);
        }
    }

    private void op(String t) {
        Matcher m = OP.matcher(t);
        if (!m.matches()) {
            fail("unrecognised line");
        }
        List<String> operands = split(m.group(4));
        for (String o : operands) {
            use(o);
        }
        String rest = m.group(5);
        int count = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
        if (rest.equals(" ({")) {
            if (m.group(1) == null) {
                fail("region op without results");
            }
            regions.push(new Pending(m.group(1), count, operands, line));
            scopes.push(new HashSet<>());
            return;
        }
        List<String> results = signature(rest, operands);
        if (m.group(3).equals("func.return")) {
            List<String> want = module.outputTypes().stream().map(TensorType::mlir).toList();
            if (!results.isEmpty() || !signatureOperands(rest).equals(want)) {
                fail("return types " + signatureOperands(rest) + " differ from the graph's outputs " + want);
            }
        }
        defineResults(m.group(1), count, results);
    }

    private void closeRegionOp(String t) {
        pop("})");
        if (regions.isEmpty()) {
            fail("region end without a region op");
        }
        Pending p = regions.pop();
        defineResults(p.result(), p.count(), signature(t.substring(2), p.operands()));
    }

    private void defineResults(String name, int count, List<String> results) {
        if (name == null) {
            if (!results.isEmpty()) {
                fail("op declares results but names none");
            }
            return;
        }
        if (results.size() != count) {
            fail("op names " + count + " results but its signature declares " + results.size());
        }
        if (count == 1) {
            define(name, results.getFirst());
        } else {
            define(name, "(multiple results)");
            for (int i = 0; i < count; i++) {
                types.put(name + "#" + i, results.get(i));
            }
        }
    }

    /** Checks the {@code (operand types) -> results} suffix against the operands; returns the result types. */
    private List<String> signature(String rest, List<String> operands) {
        List<String> in = signatureOperands(rest);
        if (in.size() != operands.size()) {
            fail(operands.size() + " operands but " + in.size() + " operand types");
        }
        for (int i = 0; i < in.size(); i++) {
            String declared = types.get(operands.get(i));
            if (!in.get(i).equals(declared)) {
                fail("operand " + operands.get(i) + " is " + declared + " but the signature says " + in.get(i));
            }
        }
        String out = rest.substring(rest.lastIndexOf(") -> ") + 5);
        if (out.startsWith("(")) {
            return split(out.substring(1, out.length() - 1));
        }
        return List.of(out);
    }

    private List<String> signatureOperands(String rest) {
        int at = rest.lastIndexOf(" : (");
        int end = at < 0 ? -1 : rest.indexOf(") -> ", at);
        if (at < 0 || end < 0) {
            fail("missing the op signature ' : (operand types) -> result types'");
        }
        return split(rest.substring(at + 4, end));
    }

    private static List<String> split(String list) {
        List<String> out = new ArrayList<>();
        for (String s : list.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    private void define(String name, String type) {
        if (types.containsKey(name)) {
            fail("value " + name + " is defined twice");
        }
        types.put(name, type);
        scopes.peek().add(name);
    }

    private void use(String value) {
        String base = value.contains("#") ? value.substring(0, value.indexOf('#')) : value;
        for (Set<String> s : scopes) {
            if (s.contains(base)) {
                if (!types.containsKey(value)) {
                    fail("value " + value + " names a result that " + base + " does not have");
                }
                return;
            }
        }
        fail("value " + value + " is used before it is defined (or outside its region)");
    }

    private void pop(String what) {
        if (scopes.isEmpty()) {
            fail("'" + what + "' closes nothing");
        }
        scopes.pop();
        if (what.equals("}") && !regions.isEmpty()) {
            fail("'}' inside the region op opened at line " + regions.peek().line());
        }
    }

    private void fail(String problem) {
        String text = line >= 1 && line <= lines.length ? lines[line - 1].trim() : "";
        throw new CompileException(device, owner, "emitted StableHLO line " + line + ": " + problem + ": " + text);
    }
}
