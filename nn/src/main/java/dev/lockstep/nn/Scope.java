package dev.lockstep.nn;

import dev.lockstep.graph.Fnv1a;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.LeafOp;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.RandomBits;
import dev.lockstep.tensor.DType;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.Shape;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One trace of a model tree into a graph: which modules the tree owns, which module is running,
 * the graph input of each variable used, the state updates recorded, and the step's random keys.
 */
public final class Scope {
    /** Graph input holding the global step (i64 scalar); keys dropout and other randomness. */
    public static final String STEP = "lockstep/global_step";
    /** Graph input holding the global index of this batch's first example (i64 scalar). */
    public static final String EXAMPLE_OFFSET = "lockstep/example_offset";

    private final GraphBuilder builder;
    private final Mode mode;
    private final Module root;
    private final long seed;
    private final BatchStatistics batchStatistics;
    private final Set<Module> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Deque<Module> running = new ArrayDeque<>();
    private final Map<String, Tensor> values = new LinkedHashMap<>();
    private final Map<String, VariableSpec> used = new LinkedHashMap<>();
    private final Map<String, Tensor> stateUpdates = new LinkedHashMap<>();
    private Tensor step;
    private Tensor exampleOffset;

    public Scope(GraphBuilder builder, Mode mode, Module root, long seed) {
        this(builder, mode, root, seed, BatchStatistics.LOCAL);
    }

    public Scope(GraphBuilder builder, Mode mode, Module root, long seed, BatchStatistics batchStatistics) {
        this.builder = builder;
        this.mode = mode;
        this.root = root;
        this.seed = seed;
        this.batchStatistics = java.util.Objects.requireNonNull(batchStatistics, "batchStatistics");
        owned.addAll(root.modules());
    }

    /** Where batch-norm layers take batch statistics from in a training trace. */
    public BatchStatistics batchStatistics() {
        return batchStatistics;
    }

    public GraphBuilder builder() {
        return builder;
    }

    public Mode mode() {
        return mode;
    }

    public Module root() {
        return root;
    }

    void enter(Module m) {
        if (!owned.contains(m)) {
            // The tree may have grown since this scope started (children registered late): re-check.
            owned.addAll(root.modules());
        }
        if (!owned.contains(m)) {
            String inside = running.isEmpty() ? "" : " while tracing " + running.peek().describe();
            throw new IllegalArgumentException("module " + m.describe() + " is not owned by the model tree rooted at "
                    + root.describe() + inside + ". Its variables would never be trained or saved. Register it "
                    + "in its owner's constructor with child(\"name\", module) (a Sequential, ModuleList or ModuleMap "
                    + "counts as an owner), instead of creating it inside forward.");
        }
        running.push(m);
    }

    void exit(Module m) {
        running.pop();
    }

    void checkCurrent(Module m, String variable) {
        if (running.peek() != m) {
            throw new IllegalArgumentException("variable '" + variable + "' of " + m.describe()
                    + " can only be created or read inside that module's own forward (through call())");
        }
    }

    /** The graph value of a variable in this trace (declared as a graph input on first use). */
    Tensor value(VariableSpec spec) {
        VariableSpec prior = used.putIfAbsent(spec.path(), spec);
        if (prior != null && !prior.type().equals(spec.type())) {
            throw new IllegalArgumentException(spec.path() + " is used as " + spec.type() + " and " + prior.type());
        }
        return values.computeIfAbsent(spec.path(), p -> builder.wrap(builder.parameter(p, spec.type())));
    }

    void updateState(Module owner, String path, TensorType type, Tensor value) {
        if (!value.type().equals(type)) {
            throw new IllegalArgumentException("state " + path + " of " + owner.describe() + " is " + type
                    + " but the update is " + value.type());
        }
        if (!mode.training()) {
            return; // evaluation and prediction never change state
        }
        if (stateUpdates.put(path, value) != null) {
            throw new IllegalArgumentException("state " + path + " is updated twice in one step (module "
                    + owner.describe() + " called twice?)");
        }
    }

    /** Variables this trace read, by path, in first-use order. */
    public Map<String, VariableSpec> usedVariables() {
        return Collections.unmodifiableMap(used);
    }

    /** Graph values of the variables this trace read, by path. */
    public Map<String, Tensor> variableValues() {
        return Collections.unmodifiableMap(values);
    }

    /** New values of state tensors recorded in this (training) trace, by path. */
    public Map<String, Tensor> stateUpdates() {
        return Collections.unmodifiableMap(stateUpdates);
    }

    /** The global-step graph input (created on first use). */
    public Tensor step() {
        if (step == null) {
            step = builder.input(STEP, DType.I64);
        }
        return step;
    }

    /** The global index of this batch's first example (graph input, created on first use). */
    public Tensor exampleOffset() {
        if (exampleOffset == null) {
            exampleOffset = builder.input(EXAMPLE_OFFSET, DType.I64);
        }
        return exampleOffset;
    }

    /**
     * Uniform [0, 1) values of {@code shape} whose leading dimension indexes examples: element k of
     * example e depends only on (seed, the running module's path and {@code purpose}, step, global
     * example index offset + e, k) (invariant 4), never on which worker or thread computes it.
     */
    public Tensor uniform(String purpose, Shape shape, DType dtype) {
        Module owner = running.peek();
        String stream = (owner == null ? "" : owner.path()) + "#" + purpose;
        long key = seed ^ Long.rotateLeft(Fnv1a.hash64(stream), 17);
        long perExample = shape.rank() == 0 ? 1 : shape.size() / Math.max(1, shape.dim(0));
        Tensor keyT = builder.constant(key & ((1L << 53) - 1), DType.I64);
        // counter = step * 2^40 + (offset * perExample): distinct per step for < 2^40 elements per step.
        Tensor counter = step().mul(builder.constant(1L << 40, DType.I64))
                .add(exampleOffset().mul(builder.constant(perExample, DType.I64)));
        Tensor bits = builder.wrap(builder.add(new RandomBits(shape), keyT.node(), counter.node()));
        // i32 bits -> [0, 1): bits / 2^32 + 1/2, in the requested dtype (no f64: TPUs lack it).
        return bits.cast(dtype).mul(0x1.0p-32).add(0.5).min(prevFloat(dtype));
    }

    private static double prevFloat(DType d) {
        return d == DType.F64 ? Math.nextDown(1.0) : Math.nextDown(1.0f);
    }

    /**
     * Fails naming every graph input the tree does not own: tensors made with the builder directly
     * instead of through a module's parameter() are untracked weights that would never be saved.
     */
    public void checkInputsOwned(List<String> declaredInputs) {
        for (Node p : builder.parameters()) {
            String name = ((LeafOp.Parameter) p.op()).name();
            if (!used.containsKey(name) && !declaredInputs.contains(name) && !name.equals(STEP)
                    && !name.equals(EXAMPLE_OFFSET)) {
                throw new IllegalArgumentException("graph input '" + name + "' (" + p.type() + ", created at "
                        + p.site() + ") is not owned by any module of " + root.describe()
                        + ": it would never be trained, saved or restored. Create it inside a module's forward "
                        + "with parameter(...) or state(...), or pass it as a declared input.");
            }
        }
    }

}
