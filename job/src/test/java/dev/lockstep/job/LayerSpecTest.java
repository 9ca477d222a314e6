package dev.lockstep.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every layer type of the spec language is a {@link LayerSpec} record; the job module holds data, not models. */
class LayerSpecTest {
    /** Settings that make each layer type valid (the required ones). */
    static String settings(String type) {
        return switch (type) {
            case "dense", "gru", "lstm" -> "{units: 2}";
            case "conv1d", "conv2d" -> "{filters: 2, kernel_size: 3}";
            case "dropout", "spatial_dropout1d" -> "{rate: 0.5}";
            case "embedding" -> "{vocabulary: 5, dim: 2}";
            case "activation" -> "{function: gelu}";
            case "repeat_vector" -> "{times: 2}";
            default -> "{}";
        };
    }

    @Test
    void everyLayerTypeParsesToARecordOfThatType() {
        Set<Class<?>> records = new HashSet<>();
        for (String type : Keys.of("layer")) {
            Problems problems = new Problems();
            LayerSpec l = new LayerParser(problems, java.util.Optional.empty())
                    .parse(new org.yaml.snakeyaml.Yaml().load("{" + type + ": " + settings(type) + "}"), "layer", 0)
                    .orElseThrow();
            assertEquals(List.of(), problems.all(), type);
            assertEquals(type, l.type());
            assertEquals(type + "_0", l.name());
            assertEquals(l.withName("renamed").type(), type);
            assertEquals("renamed", l.withName("renamed").name());
            records.add(l.getClass());
        }
        assertEquals(Set.of(LayerSpec.class.getPermittedSubclasses()), records, "every record is reachable from the spec");
    }

    @Test
    void inputsOutputsAndStateAreKnownFromTheSpecAlone() {
        LayerSpec.Recurrent lstm = new LayerSpec.Recurrent("enc", LayerSpec.Recurrent.Cell.LSTM, 4, false);
        assertEquals(List.of(1, 2, 3, List.of("h", "c")),
                List.of(lstm.minInputs(), lstm.maxInputs(), lstm.outputs(), lstm.stateNames()));
        LayerSpec.Add add = new LayerSpec.Add("sum");
        assertEquals(List.of(2, Integer.MAX_VALUE, 1), List.of(add.minInputs(), add.maxInputs(), add.outputs()));
    }

    @Test
    void theJobModuleHasNoModelGraphDeviceOrDataCode() {
        for (String c : List.of("dev.lockstep.nn.Module", "dev.lockstep.estimator.Estimator", "dev.lockstep.graph.Graph",
                "dev.lockstep.device.Device", "dev.lockstep.data.Dataset")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(c), c + " is not on the job module's classpath");
        }
        JobSpec spec = JobSpec.parse(SpecErrorsTest.GOOD, Path.of("/tmp"));
        assertEquals(LayerSpec.Dense.class, ((ModelSpec.Layers) spec.model()).layers().getFirst().getClass());
    }
}
