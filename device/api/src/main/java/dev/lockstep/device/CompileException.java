package dev.lockstep.device;

import dev.lockstep.graph.Node;

/** A graph that a device cannot compile: names the device, the node (op, types, trace site). */
public class CompileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String device;

    public CompileException(String device, Node node, String problem) {
        this(device, node, problem, null);
    }

    public CompileException(String device, Node node, String problem, Throwable cause) {
        super("device " + device + " cannot compile " + (node == null ? "graph" : node) + ": " + problem, cause);
        this.device = device;
    }

    public String device() {
        return device;
    }
}
