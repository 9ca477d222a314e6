package dev.lockstep.nn.layers;

import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Initializer;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Scope;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A recurrent layer unrolled over a fixed sequence length. Inputs: x [N, T, F] and optionally a mask
 * [N, T] (bool or 0/1 numbers); at a masked step the state is carried over unchanged. The state starts
 * at zeros, or at the tensors given to {@link #callWithInitialState} (Keras' {@code initial_state=}).
 * Outputs of {@link #callAll}: the sequence [N, T, H] (or the last output [N, H]) then the final state
 * tensors in {@link #stateNames} order, so an encoder's final state can seed a decoder.
 */
public abstract sealed class Recurrent extends Module permits GRU, LSTM {
    private final int units;
    private final boolean returnSequences;

    Recurrent(int units, boolean returnSequences) {
        if (units <= 0) {
            throw new IllegalArgumentException("recurrent units must be positive, got " + units);
        }
        this.units = units;
        this.returnSequences = returnSequences;
    }

    public int units() {
        return units;
    }

    /** Gates per step (GRU 3, LSTM 4). */
    abstract int gates();

    /** The state tensors, each [N, H], in the order they are taken and returned (GRU: h; LSTM: h, c). */
    public abstract List<String> stateNames();

    /** One step: xProjected [N, gates*H] (x W + b), state, recurrent kernel; returns the new state (h first). */
    abstract List<Tensor> step(Tensor xProjected, List<Tensor> state, Tensor recurrentKernel);

    /** Initial bias values (LSTM: forget gate 1). */
    abstract Initializer biasInitializer();

    @Override
    protected final Tensor forward(Scope scope, Tensor... inputs) {
        return forwardAll(scope, inputs).getFirst();
    }

    @Override
    protected final List<Tensor> forwardAll(Scope scope, Tensor... inputs) {
        return unroll(scope, null, inputs);
    }

    /**
     * Like {@link #callAll} (inputs x and an optional mask; same outputs) but starting from
     * {@code initialState}, one [N, H] tensor per {@link #stateNames} entry, of x's dtype.
     */
    public final List<Tensor> callWithInitialState(Scope scope, List<Tensor> initialState, Tensor... inputs) {
        Objects.requireNonNull(initialState, "initialState");
        return traced(scope, () -> unroll(scope, initialState, inputs));
    }

    /** The unrolled layer; a null {@code initialState} means zeros. */
    private List<Tensor> unroll(Scope scope, List<Tensor> initialState, Tensor... inputs) {
        if (inputs.length < 1 || inputs.length > 2 || inputs[0].rank() != 3) {
            throw new IllegalArgumentException(describe() + " takes x [batch, steps, features] and an optional mask "
                    + "[batch, steps]; got " + java.util.Arrays.stream(inputs).map(Tensor::type).toList());
        }
        Tensor x = inputs[0];
        int n = x.shape().dim(0), steps = x.shape().dim(1), f = x.shape().dim(2), h = units, g = gates();
        Tensor mask = inputs.length == 2 ? checkedMask(inputs[1], n, steps, x) : null;
        if (initialState != null) {
            checkState(initialState, x, n); // before any variable is created, so a bad call leaves none behind
        }
        Tensor kernel = parameter(scope, "kernel", x.dtype(), new int[] {f, g * h}, new Initializer.GlorotUniform(), null);
        Tensor recurrent = parameter(scope, "recurrent_kernel", x.dtype(), new int[] {h, g * h},
                new Initializer.GlorotUniform(), null);
        Tensor bias = parameter(scope, "bias", x.dtype(), new int[] {g * h}, biasInitializer(), null);
        Tensor projected = x.reshape(n * steps, f).matmul(kernel).add(bias).reshape(n, steps, g * h);
        List<Tensor> state = initialState == null ? zeros(x, n) : List.copyOf(initialState);
        List<Tensor> outputs = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            Tensor xt = projected.slice(1, t, t + 1).reshape(n, g * h);
            List<Tensor> next = step(xt, state, recurrent);
            if (mask != null) {
                Tensor keep = mask.slice(1, t, t + 1); // [N, 1], broadcasts over units
                List<Tensor> masked = new ArrayList<>();
                for (int i = 0; i < next.size(); i++) {
                    masked.add(keep.select(next.get(i), state.get(i)));
                }
                next = masked;
            }
            state = next;
            outputs.add(state.getFirst().reshape(n, 1, h));
        }
        List<Tensor> result = new ArrayList<>();
        if (returnSequences) {
            result.add(steps == 1 ? outputs.getFirst()
                    : outputs.getFirst().concat(1, outputs.subList(1, steps).toArray(Tensor[]::new)));
        } else {
            result.add(state.getFirst());
        }
        result.addAll(state);
        return result;
    }

    private List<Tensor> zeros(Tensor x, int n) {
        List<Tensor> state = new ArrayList<>();
        for (int i = 0; i < stateNames().size(); i++) {
            state.add(x.scalar(0.0).broadcastTo(n, units));
        }
        return state;
    }

    private void checkState(List<Tensor> initialState, Tensor x, int n) {
        List<String> names = stateNames();
        if (initialState.size() != names.size()) {
            throw new IllegalArgumentException(describe() + " takes " + names.size() + " initial state tensor"
                    + (names.size() == 1 ? "" : "s") + " " + names + ", got " + initialState.size());
        }
        TensorType expected = TensorType.of(x.dtype(), n, units);
        for (int i = 0; i < names.size(); i++) {
            Tensor s = initialState.get(i);
            if (s == null || !s.type().equals(expected)) {
                throw new IllegalArgumentException(describe() + ": initial state " + names.get(i) + " must be "
                        + expected + " ([batch, units], x's dtype), got " + (s == null ? "null" : s.type()));
            }
        }
    }

    private Tensor checkedMask(Tensor mask, int n, int steps, Tensor x) {
        if (mask.rank() != 2 || mask.shape().dim(0) != n || mask.shape().dim(1) != steps) {
            throw new IllegalArgumentException(describe() + ": mask must be [" + n + ", " + steps + "], got " + mask.type());
        }
        return mask.dtype().isBool() ? mask : mask.ne(mask.scalar(0.0));
    }

    /** Columns [k*H, (k+1)*H) of a [N, gates*H] tensor. */
    final Tensor gate(Tensor t, int k) {
        return t.slice(1, k * units, (k + 1) * units);
    }
}
