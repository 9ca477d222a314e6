package dev.lockstep.bench;

import dev.lockstep.tensor.DType;
import dev.lockstep.graph.Functions;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.graph.autodiff.Autodiff;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One SGD-momentum training step of an MLP as a single graph, written directly against the graph
 * API: inputs are x, one-hot labels, then every parameter and every velocity; outputs are the loss,
 * the new parameters and the new velocities (PyTorch's momentum rule: v = mu*v + g; p = p - lr*v).
 */
public final class MlpStep {
    private final int batch;
    private final int[] widths;

    public MlpStep(int batch, int... widths) {
        this.batch = batch;
        this.widths = widths.clone();
    }

    public int layers() {
        return widths.length - 1;
    }

    /** Parameter shapes in input order: w0, b0, w1, b1, ... */
    public List<TensorType> parameterTypes() {
        List<TensorType> out = new ArrayList<>();
        for (int i = 0; i < layers(); i++) {
            out.add(TensorType.of(DType.F32, widths[i], widths[i + 1]));
            out.add(TensorType.of(DType.F32, widths[i + 1]));
        }
        return out;
    }

    public Graph build(double learningRate, double momentum) {
        GraphBuilder b = new GraphBuilder();
        Tensor x = b.input("x", DType.F32, batch, widths[0]);
        Tensor labels = b.input("labels", DType.F32, batch, widths[widths.length - 1]);
        List<Tensor> params = new ArrayList<>();
        List<Tensor> velocities = new ArrayList<>();
        List<TensorType> types = parameterTypes();
        for (int i = 0; i < types.size(); i++) {
            params.add(b.wrap(b.parameter(name(i), types.get(i))));
        }
        for (int i = 0; i < types.size(); i++) {
            velocities.add(b.wrap(b.parameter(name(i) + "/momentum", types.get(i))));
        }
        Tensor h = x;
        for (int l = 0; l < layers(); l++) {
            h = h.matmul(params.get(2 * l)).add(params.get(2 * l + 1));
            if (l < layers() - 1) {
                h = h.relu();
            }
        }
        Tensor loss = Functions.softmaxCrossEntropy(h, labels).sum(0).div(batch);
        List<Tensor> grads = Autodiff.grad(loss, params);
        List<Tensor> outputs = new ArrayList<>();
        outputs.add(loss);
        List<Tensor> newVelocities = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            Tensor v = velocities.get(i).mul(momentum).add(grads.get(i));
            newVelocities.add(v);
            outputs.add(params.get(i).sub(v.mul(learningRate)));
        }
        outputs.addAll(newVelocities);
        return b.buildTensors(outputs);
    }

    private static String name(int i) {
        return "dense" + (i / 2) + (i % 2 == 0 ? "/kernel" : "/bias");
    }

    /** Deterministic inputs: Gaussian x, one-hot labels, He-uniform kernels, zero biases and velocities. */
    public List<HostTensor> initialInputs(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<HostTensor> in = new ArrayList<>();
        float[] x = new float[batch * widths[0]];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) gaussian(r);
        }
        in.add(HostTensor.ofFloats(x, batch, widths[0]));
        int classes = widths[widths.length - 1];
        float[] y = new float[batch * classes];
        for (int i = 0; i < batch; i++) {
            y[i * classes + r.nextInt(classes)] = 1f;
        }
        in.add(HostTensor.ofFloats(y, batch, classes));
        for (TensorType t : parameterTypes()) {
            float[] p = new float[(int) t.shape().size()];
            if (t.rank() == 2) {
                double limit = Math.sqrt(6.0 / t.shape().dim(0));
                for (int i = 0; i < p.length; i++) {
                    p[i] = (float) ((r.nextDouble() * 2 - 1) * limit);
                }
            }
            in.add(HostTensor.ofFloats(p, t.shape().dims()));
        }
        for (TensorType t : parameterTypes()) {
            in.add(HostTensor.zeros(t));
        }
        return in;
    }

    private static double gaussian(SplittableRandom r) {
        double u = r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
