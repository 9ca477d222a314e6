package dev.lockstep.estimator;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Executable;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Node;
import dev.lockstep.graph.Tensor;
import dev.lockstep.nn.Port;
import dev.lockstep.nn.Program;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.List;

/** Sums the example-summed outputs (loss sum, gradients) of several micro-batches on the device. */
final class Accumulator implements AutoCloseable {
    private final Executable add;
    private final List<Integer> summed = new ArrayList<>();
    private final List<Buffer> a = new ArrayList<>(), b = new ArrayList<>();
    private final List<HostTensor> zeros = new ArrayList<>();
    private boolean resultInA;

    Accumulator(Device device, Program gradient) {
        GraphBuilder g = new GraphBuilder();
        List<Tensor> acc = new ArrayList<>(), next = new ArrayList<>();
        for (int i = 0; i < gradient.outputs().size(); i++) {
            Port p = gradient.outputs().get(i);
            if (p.role().summedOverExamples()) {
                summed.add(i);
                TensorType t = p.type();
                acc.add(g.wrap(g.parameter("acc" + i, t)));
                a.add(device.allocate(t));
                b.add(device.allocate(t));
                zeros.add(HostTensor.zeros(t));
            }
        }
        // Inputs are every running total first, then every new micro-batch sum.
        for (int i : summed) {
            next.add(g.wrap(g.parameter("next" + i, gradient.outputs().get(i).type())));
        }
        List<Node> out = new ArrayList<>();
        for (int k = 0; k < acc.size(); k++) {
            out.add(acc.get(k).add(next.get(k)).node());
        }
        this.add = device.compile(g.build(out));
    }

    /** Adds the summed entries of {@code outputs} into the running total (reset when {@code first}). */
    List<Buffer> add(List<Buffer> outputs, boolean first) {
        if (first) {
            for (int k = 0; k < a.size(); k++) {
                a.get(k).copyFrom(zeros.get(k));
            }
            resultInA = true;
        }
        List<Buffer> src = resultInA ? a : b, dst = resultInA ? b : a;
        List<Buffer> in = new ArrayList<>(src);
        for (int i : summed) {
            in.add(outputs.get(i));
        }
        add.execute(in, dst);
        resultInA = !resultInA;
        List<Buffer> result = new ArrayList<>(outputs);
        for (int k = 0; k < summed.size(); k++) {
            result.set(summed.get(k), dst.get(k));
        }
        return result;
    }

    @Override
    public void close() {
        add.close();
        a.forEach(Buffer::close);
        b.forEach(Buffer::close);
    }
}
