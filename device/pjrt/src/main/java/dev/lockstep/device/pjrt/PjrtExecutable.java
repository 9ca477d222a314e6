package dev.lockstep.device.pjrt;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.CompileException;
import dev.lockstep.device.Device;
import dev.lockstep.device.Executable;
import dev.lockstep.device.Signature;
import dev.lockstep.graph.Graph;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@code PJRT_LoadedExecutable} and the argument structs of its runs, allocated once in the device's arena:
 * a run fills the input handles in, calls Execute, waits for the completion event under the execute deadline,
 * and swaps the new output buffers into the caller's {@link PjrtBuffer}s. Inputs compiled as donated are
 * given up (left out of {@code non_donatable_input_indices}, and emptied after the run).
 */
final class PjrtExecutable implements Executable {
    private final PjrtDevice device;
    private final Graph graph;
    private final boolean[] donated;
    private final MemorySegment args, options, inputList, outputList, completion;
    private final String what;
    private MemorySegment loaded;

    private PjrtExecutable(PjrtDevice device, Graph graph, MemorySegment loaded, Set<Integer> donatedInputs) {
        this.device = device;
        this.graph = graph;
        this.loaded = loaded;
        this.what = "running a program of " + graph.nodes().size() + " nodes on " + device.name();
        int in = graph.inputTypes().size(), out = graph.outputTypes().size();
        this.donated = new boolean[in];
        donatedInputs.forEach(i -> donated[i] = true);
        Arena arena = device.arena();
        NativeMemory memory = device.memory();
        this.args = Abi.EXECUTE.allocate(arena, memory);
        this.options = Abi.EXECUTE_OPTIONS.allocate(arena, memory);
        this.inputList = memory.allocate(arena, 8L * Math.max(1, in), 8);
        this.outputList = memory.allocate(arena, 8L * Math.max(1, out), 8);
        MemorySegment inputLists = memory.allocate(arena, 8, 8);
        MemorySegment outputLists = memory.allocate(arena, 8, 8);
        this.completion = memory.allocate(arena, 8, 8);
        MemorySegment keep = memory.allocate(arena, 8L * Math.max(1, in - donatedInputs.size()), 8);
        int k = 0;
        for (int i = 0; i < in; i++) {
            if (!donated[i]) {
                keep.setAtIndex(JAVA_LONG, k++, i);
            }
        }
        inputLists.set(ADDRESS, 0, inputList);
        outputLists.set(ADDRESS, 0, outputList);
        Struct o = Abi.EXECUTE_OPTIONS;
        options.set(ADDRESS, o.offset("non_donatable_input_indices"), keep);
        options.set(JAVA_LONG, o.offset("num_non_donatable_input_indices"), k);
        Struct e = Abi.EXECUTE;
        args.set(ADDRESS, e.offset("executable"), loaded);
        args.set(ADDRESS, e.offset("options"), options);
        args.set(ADDRESS, e.offset("argument_lists"), inputLists);
        args.set(JAVA_LONG, e.offset("num_devices"), 1);
        args.set(JAVA_LONG, e.offset("num_args"), in);
        args.set(ADDRESS, e.offset("output_lists"), outputLists);
        args.set(ADDRESS, e.offset("device_complete_events"), completion);
    }

    /** Compiles {@code text} (the module of {@code graph}) for the device; plugin errors are PjrtExceptions. */
    static PjrtExecutable compile(PjrtDevice device, Graph graph, String text, Set<Integer> donated) {
        PjrtApi api = device.api();
        MemorySegment loaded;
        try (Arena call = Arena.ofConfined()) {
            NativeMemory memory = device.memory();
            byte[] code = text.getBytes(StandardCharsets.UTF_8);
            byte[] format = "mlir".getBytes(StandardCharsets.UTF_8);
            byte[] options = CompileOptions.forDevice(device.deviceId());
            MemorySegment program = Abi.PROGRAM.allocate(call, memory);
            program.set(ADDRESS, Abi.PROGRAM.offset("code"), bytes(code, call, memory));
            program.set(JAVA_LONG, Abi.PROGRAM.offset("code_size"), code.length);
            program.set(ADDRESS, Abi.PROGRAM.offset("format"), bytes(format, call, memory));
            program.set(JAVA_LONG, Abi.PROGRAM.offset("format_size"), format.length);
            MemorySegment c = Abi.CLIENT_COMPILE.allocate(call, memory);
            c.set(ADDRESS, Abi.CLIENT_COMPILE.offset("client"), device.client());
            c.set(ADDRESS, Abi.CLIENT_COMPILE.offset("program"), program);
            c.set(ADDRESS, Abi.CLIENT_COMPILE.offset("compile_options"), bytes(options, call, memory));
            c.set(JAVA_LONG, Abi.CLIENT_COMPILE.offset("compile_options_size"), options.length);
            api.call(Abi.Slot.CLIENT_COMPILE, c, device.scratch(), "compiling a program for " + device.name());
            loaded = c.get(ADDRESS, Abi.CLIENT_COMPILE.offset("executable"));
            long outputs = numOutputs(device, loaded, call);
            if (outputs != graph.outputTypes().size()) {
                destroy(device, loaded, call);
                throw new CompileException(device.name(), null, "the plugin compiled a program with " + outputs
                        + " outputs for a graph with " + graph.outputTypes().size());
            }
        }
        return new PjrtExecutable(device, graph, loaded, new TreeSet<>(donated));
    }

    private static long numOutputs(PjrtDevice device, MemorySegment loaded, Arena call) {
        PjrtApi api = device.api();
        MemorySegment get = Abi.LOADED_GET_EXECUTABLE.allocate(call, device.memory());
        get.set(ADDRESS, Abi.LOADED_GET_EXECUTABLE.offset("loaded_executable"), loaded);
        api.call(Abi.Slot.LOADED_GET_EXECUTABLE, get, device.scratch(), "reading the compiled program");
        MemorySegment exe = get.get(ADDRESS, Abi.LOADED_GET_EXECUTABLE.offset("executable"));
        MemorySegment n = Abi.EXECUTABLE_NUM_OUTPUTS.allocate(call, device.memory());
        n.set(ADDRESS, Abi.EXECUTABLE_NUM_OUTPUTS.offset("executable"), exe);
        try {
            api.call(Abi.Slot.EXECUTABLE_NUM_OUTPUTS, n, device.scratch(), "reading the compiled program");
            return n.get(JAVA_LONG, Abi.EXECUTABLE_NUM_OUTPUTS.offset("num_outputs"));
        } finally {
            MemorySegment d = Abi.EXECUTABLE_DESTROY.allocate(call, device.memory());
            d.set(ADDRESS, Abi.EXECUTABLE_DESTROY.offset("executable"), exe);
            api.call(Abi.Slot.EXECUTABLE_DESTROY, d, device.scratch(), "releasing the compiled program's view");
        }
    }

    private static void destroy(PjrtDevice device, MemorySegment loaded, Arena arena) {
        MemorySegment d = Abi.LOADED_DESTROY.allocate(arena, device.memory());
        d.set(ADDRESS, Abi.LOADED_DESTROY.offset("executable"), loaded);
        device.api().call(Abi.Slot.LOADED_DESTROY, d, device.scratch(), "destroying a program");
    }

    private static MemorySegment bytes(byte[] b, Arena arena, NativeMemory memory) {
        MemorySegment s = memory.allocate(arena, b.length + 1L, 1);
        MemorySegment.copy(b, 0, s, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b.length);
        return s;
    }

    @Override
    public Graph graph() {
        return graph;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public void execute(List<? extends Buffer> inputs, List<? extends Buffer> outputs) {
        Signature.check(graph, inputs, outputs);
        PjrtBuffer[] in = own(inputs, true), out = own(outputs, false);
        device.locked(() -> {
            device.checkUsable();
            if (loaded.address() == 0) {
                throw new IllegalStateException("executable of device " + device.name() + " is closed");
            }
            run(in, out);
            return null;
        });
    }

    private void run(PjrtBuffer[] in, PjrtBuffer[] out) {
        for (int i = 0; i < in.length; i++) {
            inputList.setAtIndex(ADDRESS, i, in[i].inputHandle(Signature.inputName(graph, i)));
        }
        outputList.fill((byte) 0);
        completion.set(ADDRESS, 0, MemorySegment.NULL);
        try {
            device.api().call(Abi.Slot.LOADED_EXECUTE, args, device.scratch(), what);
            device.await(completion.get(ADDRESS, 0), device.settings().execute(), what);
        } catch (RuntimeException e) {
            for (int k = 0; k < out.length; k++) { // outputs a failed run may still have made
                device.destroy(outputList.getAtIndex(ADDRESS, k));
            }
            throw e;
        } finally {
            for (int i = 0; i < in.length; i++) {
                if (donated[i]) {
                    in[i].donate();
                }
            }
        }
        for (int k = 0; k < out.length; k++) {
            out[k].replace(outputList.getAtIndex(ADDRESS, k));
        }
    }

    /** The buffers as this device's own; a donated input must not also be passed at another position. */
    private PjrtBuffer[] own(List<? extends Buffer> buffers, boolean inputs) {
        PjrtBuffer[] own = new PjrtBuffer[buffers.size()];
        for (int i = 0; i < own.length; i++) {
            String what = inputs ? Signature.inputName(graph, i) : "output " + i;
            if (!(buffers.get(i) instanceof PjrtBuffer b) || b.device() != device) {
                throw new IllegalArgumentException(what + " is not a buffer of device " + device.name() + ": "
                        + buffers.get(i));
            }
            own[i] = b;
        }
        if (inputs) {
            for (int i = 0; i < own.length; i++) {
                for (int j = i + 1; j < own.length; j++) {
                    if (own[i] == own[j] && (donated[i] || donated[j])) {
                        throw new IllegalArgumentException(Signature.inputName(graph, donated[i] ? i : j)
                                + " is donated but the same buffer is also input " + (donated[i] ? j : i));
                    }
                }
            }
        }
        return own;
    }

    /** Destroys the PJRT executable; called by {@link #close} and by the device when it closes. */
    void release() {
        if (loaded.address() != 0) {
            MemorySegment d = Abi.LOADED_DESTROY.allocate(device.arena(), device.memory());
            d.set(ADDRESS, Abi.LOADED_DESTROY.offset("executable"), loaded);
            loaded = MemorySegment.NULL;
            device.api().call(Abi.Slot.LOADED_DESTROY, d, device.scratch(), "destroying a program");
        }
    }

    @Override
    public void close() {
        device.closeExecutable(this);
    }
}
