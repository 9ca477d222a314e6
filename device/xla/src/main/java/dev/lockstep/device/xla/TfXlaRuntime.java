package dev.lockstep.device.xla;

import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * Runs StableHLO through TensorFlow Java's {@code XlaCallModule} op, which hands the module text to
 * XLA for the CPU. Graph mode only: eager mode garbles the op's string-list attributes. Each program
 * is a TF graph of one placeholder per argument feeding one XlaCallModule, and a session kept for
 * the program's life; XLA compiles at the first run and caches the executable in the session.
 */
final class TfXlaRuntime implements XlaRuntime {
    /** XlaCallModule serialization versions 4..9 accept plain MLIR text; 9 is the newest. */
    private static final long MODULE_VERSION = 9;

    @Override
    public String platform() {
        return "CPU";
    }

    @Override
    public Program load(StableHloModule module) {
        Graph g = new Graph();
        try {
            List<TensorType> in = module.inputTypes();
            List<TensorType> out = module.outputTypes();
            Output<?>[] args = new Output<?>[in.size()];
            DataType[] tin = new DataType[in.size()];
            for (int i = 0; i < in.size(); i++) {
                tin[i] = TfTensors.dataType(in.get(i).dtype());
                args[i] = g.opBuilder("Placeholder", "arg" + i, g.baseScope())
                        .setAttr("dtype", tin[i])
                        .setAttr("shape", TfTensors.shape(in.get(i)))
                        .build().output(0);
            }
            Shape[] sout = new Shape[out.size()];
            DataType[] tout = new DataType[out.size()];
            for (int i = 0; i < out.size(); i++) {
                sout[i] = TfTensors.shape(out.get(i));
                tout[i] = TfTensors.dataType(out.get(i).dtype());
            }
            Operation call = g.opBuilder("XlaCallModule", "main", g.baseScope())
                    .addInputList(args)
                    .setAttr("version", MODULE_VERSION)
                    .setAttr("module", module.text())
                    .setAttr("Sout", sout)
                    .setAttr("Tout", tout)
                    .setAttr("Tin", tin)
                    .setAttr("dim_args_spec", new String[0])
                    .setAttr("platforms", new String[] {platform()})
                    .setAttr("function_list", new ConcreteFunction[0])
                    .setAttr("has_token_input_output", false)
                    .setAttr("disabled_checks", new String[0])
                    .build();
            return new TfProgram(g, call, in.size(), out.size());
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
    }

    @Override
    public void close() {
        // Programs own their graphs and sessions; the runtime itself holds nothing.
    }

    private static final class TfProgram implements Program {
        private final Graph graph;
        private final Operation call;
        private final int inputs;
        private final int outputs;
        private final Session session;
        private volatile boolean compiled;

        TfProgram(Graph graph, Operation call, int inputs, int outputs) {
            this.graph = graph;
            this.call = call;
            this.inputs = inputs;
            this.outputs = outputs;
            this.session = new Session(graph);
        }

        @Override
        public void run(List<HostTensor> in, List<HostTensor> out) {
            try {
                runIn(session, in, out);
                compiled = true;
            } catch (RuntimeException e) { // TF's exceptions share no base class (TFInvalidArgumentException is an IAE)
                if (compiled) {
                    throw new IllegalStateException("XLA failed while running a compiled module: " + e.getMessage(), e);
                }
                throw diagnose(in, out, e);
            }
        }

        /** Compiles again in a fresh session with native stderr captured, to learn XLA's real message. */
        private RejectedModuleException diagnose(List<HostTensor> in, List<HostTensor> out, RuntimeException first) {
            String log = NativeStderr.capture(() -> {
                try (Session fresh = new Session(graph)) {
                    runIn(fresh, in, out);
                } catch (RuntimeException ignored) {
                    // expected: the same rejection, now with its reason on the captured stderr
                }
            });
            return new RejectedModuleException("XLA rejected the module: " + first.getMessage(), log, first);
        }

        private void runIn(Session s, List<HostTensor> in, List<HostTensor> out) {
            List<Tensor> fed = new ArrayList<>(inputs);
            try {
                Session.Runner r = s.runner();
                for (int i = 0; i < inputs; i++) {
                    Tensor t = TfTensors.toTf(in.get(i));
                    fed.add(t);
                    r.feed("arg" + i, t);
                }
                for (int i = 0; i < outputs; i++) {
                    r.fetch(call.output(i));
                }
                if (outputs == 0) {
                    r.addTarget(call);
                }
                try (Result res = r.run()) {
                    for (int i = 0; i < outputs; i++) {
                        TfTensors.copyInto(res.get(i), out.get(i));
                    }
                }
            } finally {
                fed.forEach(Tensor::close);
            }
        }

        @Override
        public void close() {
            session.close();
            graph.close();
        }
    }
}
