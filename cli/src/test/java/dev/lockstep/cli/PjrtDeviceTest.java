package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.device.pjrt.testplugin.TestPlugin;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lockstep train --device pjrt:PATH} on the quickstart, through the PJRT test plugin (XLA on the CPU
 * behind the real PJRT C ABI): it trains, and since xla-cpu runs the same StableHLO through the same XLA, the
 * checkpoints of both are the same bytes. Device names the CLI cannot open are usage errors.
 */
class PjrtDeviceTest {
    private static final Path QUICKSTART = Path.of(System.getProperty("user.dir")).resolve("../examples/quickstart.yaml")
            .normalize();

    @Test
    void trainsTheQuickstartOnAPjrtPluginAsXlaCpuDoes(@TempDir Path dir) throws Exception {
        Path plugin = TestPlugin.standard();
        var pjrt = CommandLineTest.run("train", QUICKSTART.toString(), "--device", "pjrt:" + plugin,
                "--model-dir", dir.resolve("pjrt").toString());
        assertEquals(Lockstep.OK, pjrt.code(), pjrt.out() + pjrt.err());
        assertTrue(pjrt.out().contains("step 200"), pjrt.out());
        var xla = CommandLineTest.run("train", QUICKSTART.toString(), "--device", "xla-cpu",
                "--model-dir", dir.resolve("xla").toString());
        assertEquals(Lockstep.OK, xla.code(), xla.out() + xla.err());
        Path weights = Path.of("ckpt-200", "model.safetensors");
        assertArrayEquals(Files.readAllBytes(dir.resolve("xla").resolve(weights)),
                Files.readAllBytes(dir.resolve("pjrt").resolve(weights)),
                "the same StableHLO through the same XLA trains the same weights");
        var eval = CommandLineTest.run("evaluate", QUICKSTART.toString(), "--model-dir", dir.resolve("pjrt").toString());
        assertEquals(Lockstep.OK, eval.code(), eval.out() + eval.err());
        assertTrue(eval.out().contains("accuracy"), eval.out());
    }

    /**
     * Micro-batches (the accumulator's programs) and batch norm (state through the payload), with the apply
     * program's payload inputs donated: still the same bytes as xla-cpu.
     */
    @Test
    void microBatchesAndLayerStateTrainAsOnXlaCpu(@TempDir Path dir) throws Exception {
        Path job = CommandLineTest.spec(dir, CommandLineTest.GOOD
                .replace("- dense: {name: logits, units: 3}", "- batch_normalization: {name: bn}\n    - dense: {name: logits, units: 3}")
                .replace("device: cpu", "device: xla-cpu\ngradients: {micro_batches: 2}"));
        String yaml = Files.readString(job);
        assertTrue(yaml.contains("batch_normalization") && yaml.contains("micro_batches: 2"), yaml);
        var xla = CommandLineTest.run("train", job.toString(), "--model-dir", dir.resolve("xla").toString());
        assertEquals(Lockstep.OK, xla.code(), xla.out() + xla.err());
        var pjrt = CommandLineTest.run("train", job.toString(), "--device", "pjrt:" + TestPlugin.standard(),
                "--model-dir", dir.resolve("pjrt").toString());
        assertEquals(Lockstep.OK, pjrt.code(), pjrt.out() + pjrt.err());
        Path weights = Path.of("ckpt-20", "model.safetensors");
        assertArrayEquals(Files.readAllBytes(dir.resolve("xla").resolve(weights)),
                Files.readAllBytes(dir.resolve("pjrt").resolve(weights)));
    }

    @Test
    void aMissingPluginFileOrAnUnknownAcceleratorIsAUsageError(@TempDir Path dir) {
        var missing = CommandLineTest.run("train", QUICKSTART.toString(), "--device", "pjrt:" + dir.resolve("no.so"),
                "--model-dir", dir.resolve("m").toString());
        assertEquals(Lockstep.USAGE, missing.code(), missing.out() + missing.err());
        assertTrue(missing.err().contains("PJRT plugin " + dir.resolve("no.so") + " does not exist"), missing.err());
        var index = CommandLineTest.run("train", QUICKSTART.toString(), "--device", "tpu:x",
                "--model-dir", dir.resolve("m").toString());
        assertEquals(Lockstep.USAGE, index.code(), index.err());
        assertTrue(index.err().contains("expected tpu or tpu:N"), index.err());
    }
}
