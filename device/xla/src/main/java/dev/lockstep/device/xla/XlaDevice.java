package dev.lockstep.device.xla;

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
import dev.lockstep.tensor.TensorType;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A device that lowers graphs to StableHLO and hands them to an {@link XlaRuntime}. Memory is the
 * host's ({@link HostBuffer}), which is right for XLA on the CPU; device/pjrt, for accelerators, has
 * device buffers of its own.
 */
final class XlaDevice implements Device {
    private static final Pattern XLA_ERROR = Pattern.compile("loc\\(\"-\":(\\d+):\\d+\\): error: (.*)");

    private final String name;
    private final XlaRuntime runtime;
    private final Capabilities capabilities =
            Capabilities.of(EnumSet.allOf(OpKind.class), EnumSet.allOf(DType.class));

    XlaDevice(String name, XlaRuntime runtime) {
        this.name = name;
        this.runtime = runtime;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    /**
     * Lowers, loads and runs the module once on zeros: XLA compiles lazily at the first run, and a
     * rejected module must fail here, naming the node, rather than in the middle of training.
     */
    @Override
    public Executable compile(Graph graph) {
        capabilities.require(graph, name);
        StableHloModule module = StableHloEmitter.emit(graph, name);
        XlaRuntime.Program program;
        try {
            program = runtime.load(module);
        } catch (RuntimeException e) {
            throw new CompileException(name, null, "the runtime could not load the module: " + e.getMessage(), e);
        }
        try {
            program.run(zeros(graph.inputTypes()), zeros(graph.outputTypes()));
        } catch (XlaRuntime.RejectedModuleException e) {
            program.close();
            throw rejected(module, e);
        } catch (RuntimeException e) {
            program.close();
            throw new CompileException(name, null, "the first run of the compiled module failed: " + e.getMessage(), e);
        }
        return new XlaExecutable(this, graph, program);
    }

    /** Names the node behind the line XLA complained about, with XLA's own words. */
    private CompileException rejected(StableHloModule module, XlaRuntime.RejectedModuleException e) {
        Matcher m = XLA_ERROR.matcher(e.compilerLog());
        if (m.find()) {
            int line = Integer.parseInt(m.group(1));
            Node node = module.nodeAtLine(line);
            String text = line <= module.text().split("\n").length ? module.text().split("\n")[line - 1].trim() : "";
            return new CompileException(name, node, "XLA rejected the emitted StableHLO at line " + line + ": "
                    + m.group(2) + "\n  " + text, e);
        }
        String log = e.compilerLog().isBlank() ? "(native log unavailable)" : e.compilerLog().strip();
        return new CompileException(name, null, e.getMessage() + "; XLA said:\n" + log + "\nmodule:\n" + module.text(), e);
    }

    private static List<HostTensor> zeros(List<TensorType> types) {
        return types.stream().map(HostTensor::zeros).toList();
    }

    @Override
    public Buffer upload(HostTensor tensor) {
        HostBuffer b = new HostBuffer(this, tensor.type());
        b.copyFrom(tensor);
        return b;
    }

    @Override
    public Buffer allocate(TensorType type) {
        return new HostBuffer(this, type);
    }

    @Override
    public void close() {
        runtime.close();
    }

    @Override
    public String toString() {
        return "XlaDevice[" + name + " on " + runtime.platform() + "]";
    }
}
