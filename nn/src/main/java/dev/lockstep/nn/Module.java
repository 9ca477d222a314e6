package dev.lockstep.nn;

import dev.lockstep.graph.CallSites;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A node of the model tree. A module owns its variables (parameters and state) and its child
 * modules, each under a name; paths join names with '/' from the root ({@code encoder/gru/kernel}).
 * Children are registered in the constructor with {@link #child}; variables are created lazily, at
 * the first call, from the input shapes and only by the module that owns them. A module that the
 * traced tree does not own (for example one constructed inside {@code forward}) is an error.
 */
public abstract class Module {
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, Local> variables = new LinkedHashMap<>();
    private final String createdAt = CallSites.firstOutside("dev.lockstep.nn.", "dev.lockstep.graph.");
    private Module parent;
    private String name = "";

    /** A variable as declared, by local name; the full path is derived from the tree. */
    private record Local(TensorType type, VariableSpec.Kind kind, Initializer init, Optional<Regularizer> reg) {}

    /** The traced computation. Call children through {@link #call}, never their forward directly. */
    protected abstract Tensor forward(Scope scope, Tensor... inputs);

    /** Traces this module: checks ownership, then runs {@link #forward} with this module current. */
    public final Tensor call(Scope scope, Tensor... inputs) {
        return traced(scope, () -> forward(scope, inputs));
    }

    /** Traces a module with several outputs (for example a recurrent layer's sequence and final state). */
    public final List<Tensor> callAll(Scope scope, Tensor... inputs) {
        return traced(scope, () -> forwardAll(scope, inputs));
    }

    /**
     * Runs {@code body} with this module current, as {@link #call} does around {@link #forward}; for a
     * subclass's own typed entry point (a recurrent layer's initial state) that tensors alone cannot express.
     */
    protected final <T> T traced(Scope scope, Supplier<T> body) {
        scope.enter(this);
        try {
            return body.get();
        } finally {
            scope.exit(this);
        }
    }

    /** Every output of this module; single-output modules need not override it. */
    protected List<Tensor> forwardAll(Scope scope, Tensor... inputs) {
        return List.of(forward(scope, inputs));
    }

    /** Registers {@code module} as the child {@code name} and returns it. */
    protected final <M extends Module> M child(String name, M registered) {
        checkName(name);
        Module module = registered; // private fields are not accessible through a type variable
        if (module.parent != null) {
            throw new IllegalArgumentException("module " + module.describe() + " is already registered as '"
                    + module.path() + "'; a module has exactly one owner (use a new instance for " + qualify(name) + ")");
        }
        for (Module m = this; m != null; m = m.parent) {
            if (m == module) {
                throw new IllegalArgumentException("registering " + module.describe() + " under " + qualify(name)
                        + " would make the model tree a cycle");
            }
        }
        module.parent = this;
        module.name = name;
        children.put(name, module);
        return registered;
    }

    /** A trainable parameter of this module, created at the first call. */
    protected final Tensor parameter(Scope scope, String name, DType dtype, int[] shape, Initializer init,
                                     Regularizer regularizer) {
        return variable(scope, name, new Local(new TensorType(dtype, Shape.of(shape)), VariableSpec.Kind.PARAMETER,
                init, Optional.ofNullable(regularizer)));
    }

    /** A non-trainable state tensor of this module (e.g. moving statistics), created at the first call. */
    protected final Tensor state(Scope scope, String name, DType dtype, int[] shape, Initializer init) {
        return variable(scope, name, new Local(new TensorType(dtype, Shape.of(shape)), VariableSpec.Kind.STATE,
                init, Optional.empty()));
    }

    /** Records the value state {@code name} takes after this training step. */
    protected final void updateState(Scope scope, String name, Tensor value) {
        Local l = variables.get(name);
        if (l == null || l.kind() != VariableSpec.Kind.STATE) {
            throw new IllegalArgumentException(qualify(name) + " is not a state tensor of " + describe());
        }
        scope.updateState(this, qualify(name), l.type(), value);
    }

    private Tensor variable(Scope scope, String name, Local declared) {
        scope.checkCurrent(this, name);
        Local existing = variables.get(name);
        if (existing == null) {
            checkName(name);
            variables.put(name, declared);
        } else if (!existing.type().equals(declared.type()) || existing.kind() != declared.kind()) {
            throw new IllegalArgumentException(qualify(name) + " was built as " + existing.kind() + " " + existing.type()
                    + " but is now requested as " + declared.kind() + " " + declared.type()
                    + "; input shapes must not change between calls of " + describe());
        }
        return scope.value(spec(name, variables.get(name)));
    }

    private VariableSpec spec(String local, Local l) {
        return new VariableSpec(qualify(local), l.type(), l.kind(), l.init(), l.reg());
    }

    /** This module's path from the root ("" for the root). */
    public final String path() {
        if (parent == null) {
            return "";
        }
        String p = parent.path();
        return p.isEmpty() ? name : p + "/" + name;
    }

    final String qualify(String local) {
        String p = path();
        return p.isEmpty() ? local : p + "/" + local;
    }

    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    public final Module parent() {
        return parent;
    }

    /** Every variable of this subtree, depth-first in registration order (own variables first). */
    public final List<VariableSpec> variables() {
        List<VariableSpec> out = new ArrayList<>();
        collect(out);
        return out;
    }

    private void collect(List<VariableSpec> out) {
        variables.forEach((n, l) -> out.add(spec(n, l)));
        children.values().forEach(c -> c.collect(out));
    }

    public final List<VariableSpec> parameters() {
        return variables().stream().filter(VariableSpec::trainable).toList();
    }

    public final List<VariableSpec> state() {
        return variables().stream().filter(v -> !v.trainable()).toList();
    }

    /** Every module of this subtree, this one first. */
    public final List<Module> modules() {
        List<Module> out = new ArrayList<>();
        out.add(this);
        children.values().forEach(c -> out.addAll(c.modules()));
        return out;
    }

    /** The descendant at a path relative to this module ("" is this module). */
    public final Module find(String relativePath) {
        Module m = this;
        if (!relativePath.isEmpty()) {
            for (String part : relativePath.split("/")) {
                Module next = m.children.get(part);
                if (next == null) {
                    throw new IllegalArgumentException("no module '" + relativePath + "' under " + describe()
                            + "; children of " + m.describe() + ": " + m.children.keySet());
                }
                m = next;
            }
        }
        return m;
    }

    /** Class name, path and where it was constructed, for error messages. */
    public final String describe() {
        String p = path();
        return getClass().getSimpleName() + (p.isEmpty() ? "" : " '" + p + "'") + " (created at " + createdAt + ")";
    }

    private void checkName(String n) {
        if (n == null || n.isEmpty() || n.contains("/") || !n.equals(n.strip())) {
            throw new IllegalArgumentException("invalid name '" + n + "' in " + describe()
                    + ": names are non-empty, without '/' or surrounding spaces");
        }
        if (children.containsKey(n) || variables.containsKey(n)) {
            throw new IllegalArgumentException(qualify(n) + " is already defined in " + describe());
        }
    }

    @Override
    public String toString() {
        return describe() + " " + Arrays.toString(children.keySet().toArray());
    }
}
