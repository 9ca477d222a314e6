package dev.lockstep.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.tensor.DType;
import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.graph.GraphBuilder;
import dev.lockstep.graph.Tensor;
import dev.lockstep.tensor.HostTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each optimizer's graph update against the published rule written out by hand in plain Java. */
class OptimizerTest {
    private static final double[] P = {0.5, -1.5, 2.0}, G = {0.1, -0.3, 0.05};
    private static final double LR = 0.1;

    /** Runs two updates with the same gradient; returns the parameter after each. */
    private static double[][] run(Optimizer opt) {
        var device = new ReferenceDevice();
        double[] p = P.clone();
        Map<String, double[]> slots = new LinkedHashMap<>();
        for (String s : opt.slotNames()) {
            double[] init = new double[P.length];
            java.util.Arrays.fill(init, opt.slotInitialValue(s));
            slots.put(s, init);
        }
        double[][] out = new double[2][];
        for (int step = 0; step < 2; step++) {
            GraphBuilder b = new GraphBuilder();
            Tensor pt = b.input("p", DType.F64, 3), gt = b.input("g", DType.F64, 3);
            Map<String, Tensor> st = new LinkedHashMap<>();
            for (String s : opt.slotNames()) {
                st.put(s, b.input(s, DType.F64, 3));
            }
            var u = opt.update(pt, gt, st, b.constant(step + 1, DType.F32), b.constant(LR, DType.F64));
            List<Tensor> outs = new ArrayList<>(List.of(u.param()));
            opt.slotNames().forEach(s -> outs.add(u.slots().get(s)));
            var exe = device.compile(b.buildTensors(outs));
            List<dev.lockstep.device.Buffer> in = new ArrayList<>(List.of(device.upload(HostTensor.ofDoubles(p, 3)),
                    device.upload(HostTensor.ofDoubles(G, 3))));
            slots.values().forEach(v -> in.add(device.upload(HostTensor.ofDoubles(v, 3))));
            var res = exe.execute(in);
            p = res.get(0).toHost().toDoubles();
            int k = 1;
            for (String s : opt.slotNames()) {
                slots.put(s, res.get(k++).toHost().toDoubles());
            }
            out[step] = p;
        }
        return out;
    }

    private static void assertClose(double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-12, "element " + i);
        }
    }

    @Test
    void sgdAndMomentumFollowPyTorchsRule() {
        double[][] sgd = run(new Optimizer.Sgd());
        double[][] mom = run(new Optimizer.Momentum(0.9, false));
        double[][] nes = run(new Optimizer.Momentum(0.9, true));
        for (int i = 0; i < 3; i++) {
            assertEquals(P[i] - 2 * LR * G[i], sgd[1][i], 1e-12);
            // v1 = g, v2 = 0.9 g + g
            assertEquals(P[i] - LR * G[i] - LR * 1.9 * G[i], mom[1][i], 1e-12);
            // nesterov: step = g + 0.9 v
            assertEquals(P[i] - LR * (G[i] + 0.9 * G[i]) - LR * (G[i] + 0.9 * 1.9 * G[i]), nes[1][i], 1e-12);
        }
    }

    @Test
    void adamAndAdamWApplyBiasCorrectionAndDecoupledDecay() {
        double b1 = 0.9, b2 = 0.999, eps = 1e-7, wd = 0.01;
        double[][] adam = run(new Optimizer.Adam(b1, b2, eps, 0));
        double[][] adamw = run(new Optimizer.Adam(b1, b2, eps, wd));
        double[] p = P.clone(), q = P.clone(), m = new double[3], v = new double[3];
        for (int t = 1; t <= 2; t++) {
            for (int i = 0; i < 3; i++) {
                m[i] = b1 * m[i] + (1 - b1) * G[i];
                v[i] = b2 * v[i] + (1 - b2) * G[i] * G[i];
                double dir = (m[i] / (1 - Math.pow(b1, t))) / (Math.sqrt(v[i] / (1 - Math.pow(b2, t))) + eps);
                p[i] -= LR * dir;
                q[i] -= LR * (dir + wd * q[i]);
            }
            assertClose(p, adam[t - 1]);
            assertClose(q, adamw[t - 1]);
        }
    }

    @Test
    void rmsPropAndAdagrad() {
        double[][] rms = run(new Optimizer.RmsProp(0.9, 1e-7));
        double[][] ada = run(new Optimizer.Adagrad(0.1, 1e-7));
        double[] p = P.clone(), q = P.clone(), s = new double[3], a = {0.1, 0.1, 0.1};
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < 3; i++) {
                s[i] = 0.9 * s[i] + 0.1 * G[i] * G[i];
                p[i] -= LR * G[i] / (Math.sqrt(s[i]) + 1e-7);
                a[i] += G[i] * G[i];
                q[i] -= LR * G[i] / (Math.sqrt(a[i]) + 1e-7);
            }
            assertClose(p, rms[t]);
            assertClose(q, ada[t]);
        }
    }

    @Test
    void larsAndLambScaleByTrustRatios() {
        double[][] lars = run(new Optimizer.Lars(0.9, 0.001, 0.0005, 1e-9));
        double[][] lamb = run(new Optimizer.Lamb(0.9, 0.999, 1e-6, 0.01));
        double[] p = P.clone(), vel = new double[3];
        double[] q = P.clone(), m = new double[3], v = new double[3];
        for (int t = 1; t <= 2; t++) {
            double wn = norm(p), gn = norm(G);
            double trust = 0.001 * wn / (gn + 0.0005 * wn + 1e-9);
            for (int i = 0; i < 3; i++) {
                vel[i] = 0.9 * vel[i] + LR * trust * (G[i] + 0.0005 * p[i]);
                p[i] -= vel[i];
            }
            assertClose(p, lars[t - 1]);
            double[] r = new double[3];
            for (int i = 0; i < 3; i++) {
                m[i] = 0.9 * m[i] + 0.1 * G[i];
                v[i] = 0.999 * v[i] + 0.001 * G[i] * G[i];
                r[i] = (m[i] / (1 - Math.pow(0.9, t))) / (Math.sqrt(v[i] / (1 - Math.pow(0.999, t))) + 1e-6) + 0.01 * q[i];
            }
            double ratio = norm(q) / norm(r);
            for (int i = 0; i < 3; i++) {
                q[i] -= LR * ratio * r[i];
            }
            assertClose(q, lamb[t - 1]);
        }
    }

    private static double norm(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }
}
