package dev.lockstep.nn.layers;

import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Initializer;
import java.util.List;

/**
 * Gated recurrent unit (Cho et al. 2014; Keras' reset_after=false): z = σ(x Wz + h Uz + bz),
 * r = σ(x Wr + h Ur + br), ĥ = tanh(x Wh + (r ⊙ h) Uh + bh), h' = z ⊙ h + (1 - z) ⊙ ĥ.
 */
public final class GRU extends Recurrent {
    public GRU(int units, boolean returnSequences) {
        super(units, returnSequences);
    }

    @Override
    int gates() {
        return 3;
    }

    @Override
    public List<String> stateNames() {
        return List.of("h");
    }

    @Override
    Initializer biasInitializer() {
        return new Initializer.Zeros();
    }

    @Override
    List<Tensor> step(Tensor xw, List<Tensor> state, Tensor u) {
        Tensor h = state.getFirst();
        int hu = units();
        Tensor uzr = u.slice(1, 0, 2 * hu), uh = u.slice(1, 2 * hu, 3 * hu);
        Tensor hzr = h.matmul(uzr);
        Tensor z = gate(xw, 0).add(hzr.slice(1, 0, hu)).sigmoid();
        Tensor r = gate(xw, 1).add(hzr.slice(1, hu, 2 * hu)).sigmoid();
        Tensor candidate = gate(xw, 2).add(r.mul(h).matmul(uh)).tanh();
        return List.of(z.mul(h).add(z.neg().add(1.0).mul(candidate)));
    }
}
