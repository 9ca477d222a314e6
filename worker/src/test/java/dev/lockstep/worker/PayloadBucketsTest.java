package dev.lockstep.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lockstep.collective.Bucket;
import dev.lockstep.collective.BucketLayout;
import dev.lockstep.estimator.Head;
import dev.lockstep.nn.Module;
import dev.lockstep.nn.Optimizer;
import dev.lockstep.nn.Port;
import dev.lockstep.nn.Sequential;
import dev.lockstep.nn.StepLayout;
import dev.lockstep.nn.TrainStep;
import dev.lockstep.nn.layers.Activation;
import dev.lockstep.nn.layers.BatchNormalization;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The payload's bucket layout is a pure function of the step layout: payload order, one dtype per bucket. */
class PayloadBucketsTest {
    static StepLayout layout(DType dtype) {
        Module model = Sequential.of("bn", new BatchNormalization(), "hidden", new Dense(4, Activation.Fn.TANH),
                "out", new Dense(1));
        Head head = new Head.Regression();
        TrainStep.LossFn loss = (scope, f, l) -> head.apply(model.call(scope, f.get("x")), l.get("y"),
                dev.lockstep.nn.Mode.TRAIN).perExampleLoss();
        return TrainStep.layout(model, loss, Map.of("x", TensorType.of(dtype, 8, 3)),
                Map.of("y", TensorType.of(dtype, 8, 1)), TrainStep.Config.of(Optimizer.Adam.standard(), 1));
    }

    @Test
    void bucketsFollowThePayloadOrderAndSplitByDtype() {
        StepLayout f64 = layout(DType.F64);
        BucketLayout buckets = CollectiveReducer.bucketLayout(f64, 1 << 20);
        List<String> order = new ArrayList<>();
        for (Bucket b : buckets.buckets()) {
            b.members().forEach(m -> order.add(m.tensor().path()));
        }
        List<String> f64Names = f64.payload().stream().filter(p -> p.type().dtype() == DType.F64).map(Port::name).toList();
        List<String> f32Names = f64.payload().stream().filter(p -> p.type().dtype() == DType.F32).map(Port::name).toList();
        assertEquals(List.of("lockstep/example_count", "lockstep/replica_count"), f32Names);
        List<String> expected = new ArrayList<>(f64Names);
        expected.addAll(f32Names);
        assertEquals(expected, order, "an f64 bucket in payload order, then the f32 counts");
        assertEquals(List.of(DType.F64, DType.F32), buckets.buckets().stream().map(Bucket::dtype).toList());
        assertEquals(buckets, CollectiveReducer.bucketLayout(layout(DType.F64), 1 << 20), "same layout every time");
    }

    @Test
    void aSmallCapSplitsThePayloadWithoutReorderingIt() {
        StepLayout f32 = layout(DType.F32);
        BucketLayout buckets = CollectiveReducer.bucketLayout(f32, 32);
        List<String> order = new ArrayList<>();
        for (Bucket b : buckets.buckets()) {
            b.members().forEach(m -> order.add(m.tensor().path()));
        }
        assertEquals(f32.payload().stream().map(Port::name).toList(), order);
        assertEquals(true, buckets.buckets().size() > 2, buckets.toString());
    }
}
