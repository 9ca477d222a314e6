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

/** Clipping must see the true global gradient: g * min(1, c / ||g||) over every tensor, norm returned. */
class ClipByGlobalNormTest {
    private static final double[] A = {3, -4, 1, 2}, B = {0.5, -7};

    private static List<HostTensor> clip(double c) {
        GraphBuilder b = new GraphBuilder();
        Tensor a = b.input("a", DType.F64, 2, 2), bb = b.input("b", DType.F64, 2);
        Map<String, Tensor> byPath = new LinkedHashMap<>();
        byPath.put("layer/kernel", a);
        byPath.put("layer/bias", bb);
        Map<String, Tensor> report = new LinkedHashMap<>();
        Gradients g = new GradientTransform.ClipByGlobalNorm(c).apply(new Gradients(byPath), report);
        var graph = b.buildTensors(List.of(g.get("layer/kernel"), g.get("layer/bias"), report.get("grad_norm")));
        var device = new ReferenceDevice();
        var exe = device.compile(graph);
        var outs = exe.execute(List.of(device.upload(HostTensor.ofDoubles(A, 2, 2)), device.upload(HostTensor.ofDoubles(B, 2))));
        List<HostTensor> host = new ArrayList<>();
        outs.forEach(o -> host.add(o.toHost()));
        return host;
    }

    @Test
    void clipsByTheNormOverAllTensorsAndReturnsIt() {
        double norm = 0;
        for (double v : A) {
            norm += v * v;
        }
        for (double v : B) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        for (double c : new double[] {1.0, 5.0, 100.0}) {
            List<HostTensor> out = clip(c);
            double scale = Math.min(1, c / norm);
            for (int i = 0; i < A.length; i++) {
                assertEquals(A[i] * scale, out.get(0).getDouble(i), 1e-12);
            }
            for (int i = 0; i < B.length; i++) {
                assertEquals(B[i] * scale, out.get(1).getDouble(i), 1e-12);
            }
            assertEquals(norm, out.get(2).getDouble(0), 1e-12, "norm before clipping");
        }
    }
}
