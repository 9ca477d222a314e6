package dev.lockstep.estimator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.estimator.checkpoint.CheckpointStore;
import dev.lockstep.estimator.checkpoint.SafeTensors;
import dev.lockstep.tensor.DType;
import dev.lockstep.tensor.TensorType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportTest {
    @Test
    void exportWritesTrainedWeightsSignatureAndModule(@TempDir Path dir, @TempDir Path out) throws Exception {
        try (Estimator e = ExactResumeTest.estimator(dir)) {
            e.train(ExactResumeTest.input(), 20);
            Export export = e.export(Map.of("x", TensorType.of(DType.F32, 8, 3)));
            export.writeTo(out, g -> "module for " + g.outputs().size() + " outputs");
            var weights = SafeTensors.read(out.resolve(Export.WEIGHTS)).tensors();
            var checkpoint = new CheckpointStore(dir, 3).latestValid().orElseThrow();
            assertEquals(List.of("hidden/bias", "hidden/kernel", "logits/bias", "logits/kernel"),
                    weights.keySet().stream().sorted().toList(), "parameters only, no optimizer slots");
            for (var w : weights.entrySet()) {
                assertArrayEquals((float[]) checkpoint.tensor(w.getKey()).array(), (float[]) w.getValue().array());
            }
            String signature = Files.readString(out.resolve(Export.SIGNATURE));
            assertTrue(signature.contains("\"features/x\"") && signature.contains("\"prediction/classes\""), signature);
            assertEquals("module for 3 outputs", Files.readString(out.resolve(Export.MODULE)));
        }
    }
}
