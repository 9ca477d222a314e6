package dev.lockstep.device.pjrt;

import dev.lockstep.device.CompileException;
import dev.lockstep.device.xla.StableHloModule;
import dev.lockstep.graph.Node;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plugin's refusal to compile, as a {@link CompileException}: when the plugin's message points at a line of
 * the module (MLIR diagnostics read {@code loc("<file>":LINE:COL): error: ...}), the exception names the graph
 * node that emitted that line and quotes it; the plugin's own message and code are always kept.
 */
final class CompileErrors {
    private static final Pattern LOCATION = Pattern.compile("loc\\(\"[^\"]*\":(\\d+):\\d+\\): error: ([^\\n]*)");

    private CompileErrors() {}

    static CompileException of(String device, StableHloModule module, PjrtException e) {
        Matcher m = LOCATION.matcher(e.pluginMessage());
        String[] lines = module.text().split("\n");
        if (m.find()) {
            int line = Integer.parseInt(m.group(1));
            Node node = module.nodeAtLine(line);
            String text = line >= 1 && line <= lines.length ? lines[line - 1].trim() : "";
            return new CompileException(device, node, "the PJRT plugin rejected the emitted StableHLO at line " + line
                    + ": " + m.group(2) + "\n  " + text + "\nplugin said (" + e.code() + "): " + e.pluginMessage(), e);
        }
        return new CompileException(device, null, "the PJRT plugin could not compile the module (" + e.code() + "): "
                + e.pluginMessage(), e);
    }
}
