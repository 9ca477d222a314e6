package dev.lockstep.device;

import dev.lockstep.graph.Graph;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.Set;

/**
 * An accelerator (or the CPU) that compiles graphs and owns buffers. A device compiles a graph for
 * the graph's input signature (its parameters' types) into an {@link Executable}. Asking for an op
 * or dtype outside {@link #capabilities()} is a {@link CompileException} that lists what it has.
 */
public interface Device extends AutoCloseable {
    /** The name users select it by: {@code cpu}, {@code cuda}, {@code xla-cpu}. */
    String name();

    Capabilities capabilities();

    /** Compiles {@code graph}; throws {@link CompileException} naming the op and device on failure. */
    Executable compile(Graph graph);

    /**
     * Compiles {@code graph} with its {@code all_reduce} ops summing over {@code replicas}. A device that
     * cannot call out to other replicas from inside a program (the default) compiles a graph that has
     * such ops only for a single replica, where they return their operands.
     */
    default Executable compile(Graph graph, Replicas replicas) {
        if (replicas.count() > 1) {
            for (dev.lockstep.graph.Node n : graph.nodes()) {
                if (n.op() instanceof dev.lockstep.graph.AllReduce) {
                    throw new CompileException(name(), n, "device " + name() + " cannot sum across "
                            + replicas.count() + " replicas inside a program (all_reduce, used by batch_norm: sync); "
                            + "use device cpu for this job, or batch_norm: local");
                }
            }
        }
        return compile(graph);
    }

    /**
     * Compiles {@code graph} for runs that give up the inputs at the positions in {@code donated}: the device
     * may reuse their memory for outputs of the same type (XLA's buffer donation, JAX's donate_argnums), so
     * after every {@link Executable#execute} of the result, whether or not it succeeded, a donated input holds
     * no value until it is written again (reading it is an {@link IllegalStateException}). Devices that cannot
     * donate ignore {@code donated} and compile as {@link #compile(Graph)}; callers must not rely on a donated
     * input keeping or losing its value.
     */
    default Executable compile(Graph graph, Set<Integer> donated) {
        return compile(graph);
    }

    /** Copies a host tensor into a new device buffer. */
    Buffer upload(HostTensor tensor);

    /** A new device buffer of {@code type}; contents unspecified until written. */
    Buffer allocate(TensorType type);

    /** Releases device resources; buffers and executables of this device must be closed first. */
    @Override
    void close();
}
