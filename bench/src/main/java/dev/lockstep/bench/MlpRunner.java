package dev.lockstep.bench;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Device;
import dev.lockstep.device.Devices;
import dev.lockstep.device.Executable;
import dev.lockstep.graph.Graph;
import dev.lockstep.tensor.HostTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One device with the compiled MLP step and its ping-pong state; steps continue across calls. */
final class MlpRunner implements AutoCloseable {
    final String name;
    final Device device;
    final Executable exe;
    final List<Buffer> data;
    List<Buffer> a = new ArrayList<>(), b = new ArrayList<>();
    final Buffer loss;
    final double compileMs;
    final int state;
    double firstLoss = Double.NaN;

    MlpRunner(String name, MlpStep mlp, Graph graph) {
        this.name = name;
        this.device = Devices.open(name);
        long c0 = System.nanoTime();
        this.exe = device.compile(graph);
        this.compileMs = (System.nanoTime() - c0) / 1e6;
        List<HostTensor> init = mlp.initialInputs(42);
        this.state = init.size() - 2;
        this.data = List.of(device.upload(init.get(0)), device.upload(init.get(1)));
        for (int i = 2; i < init.size(); i++) {
            a.add(device.upload(init.get(i)));
            b.add(device.allocate(init.get(i).type()));
        }
        this.loss = device.allocate(graph.outputTypes().get(0));
    }

    /** Runs {@code steps} steps and returns the mean milliseconds per step. */
    double time(int steps) {
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            List<Buffer> in = new ArrayList<>(data);
            in.addAll(a);
            List<Buffer> out = new ArrayList<>(state + 1);
            out.add(loss);
            out.addAll(b);
            exe.execute(in, out);
            List<Buffer> t = a;
            a = b;
            b = t;
            if (Double.isNaN(firstLoss)) {
                firstLoss = loss.toHost().getDouble(0);
            }
        }
        return (System.nanoTime() - t0) / 1e6 / steps;
    }

    void report(int round, int steps, double ms) {
        System.out.printf(Locale.ROOT, "{\"bench\":\"lockstep_mlp\",\"round\":%d,\"device\":\"%s\","
                + "\"global_batch\":256,\"steps\":%d,\"ms_per_step\":%.3f,\"examples_per_s\":%.0f,"
                + "\"compile_ms\":%.0f,\"first_loss\":%.4f,\"loss\":%.4f}%n", round, name, steps, ms,
                256 * 1000.0 / ms, compileMs, firstLoss, loss.toHost().getDouble(0));
    }

    @Override
    public void close() {
        for (Buffer x : data) {
            x.close();
        }
        for (Buffer x : a) {
            x.close();
        }
        for (Buffer x : b) {
            x.close();
        }
        loss.close();
        exe.close();
        device.close();
    }
}
