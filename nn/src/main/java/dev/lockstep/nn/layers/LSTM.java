package dev.lockstep.nn.layers;

import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Initializer;
import java.util.List;

/**
 * Long short-term memory (gates in Keras' order i, f, c, o; forget-gate bias starts at 1):
 * c' = σ(f) ⊙ c + σ(i) ⊙ tanh(ĉ), h' = σ(o) ⊙ tanh(c'). State outputs: h then c.
 */
public final class LSTM extends Recurrent {
    public LSTM(int units, boolean returnSequences) {
        super(units, returnSequences);
    }

    @Override
    int gates() {
        return 4;
    }

    @Override
    public List<String> stateNames() {
        return List.of("h", "c");
    }

    @Override
    Initializer biasInitializer() {
        return new ForgetBiasOne(units());
    }

    @Override
    List<Tensor> step(Tensor xw, List<Tensor> state, Tensor u) {
        Tensor h = state.get(0), c = state.get(1);
        Tensor z = xw.add(h.matmul(u));
        Tensor i = gate(z, 0).sigmoid(), f = gate(z, 1).sigmoid(), o = gate(z, 3).sigmoid();
        Tensor cNext = f.mul(c).add(i.mul(gate(z, 2).tanh()));
        return List.of(o.mul(cNext.tanh()), cNext);
    }

    /** Zeros except ones on the forget-gate block [H, 2H). */
    record ForgetBiasOne(int units) implements Initializer.Custom {
        @Override
        public double[] values(dev.lockstep.tensor.Shape shape, String path, long seed) {
            double[] v = new double[(int) shape.size()];
            java.util.Arrays.fill(v, units, 2 * units, 1.0);
            return v;
        }
    }
}
