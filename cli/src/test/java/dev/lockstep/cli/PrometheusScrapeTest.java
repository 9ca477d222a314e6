package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lockstep.data.Dataset;
import dev.lockstep.data.Examples;
import dev.lockstep.tensor.DType;
import dev.lockstep.device.conformance.ReferenceDevice;
import dev.lockstep.estimator.Batch;
import dev.lockstep.estimator.Estimator;
import dev.lockstep.estimator.Head;
import dev.lockstep.estimator.ModelFn;
import dev.lockstep.estimator.RunConfig;
import dev.lockstep.nn.Sequential;
import dev.lockstep.nn.layers.Dense;
import dev.lockstep.tensor.HostTensor;
import dev.lockstep.tensor.TensorType;
import dev.lockstep.testing.ExternalProcess;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scrapes /metrics after a real (small) training run and lints the scrape with promtool. */
class PrometheusScrapeTest {
    @Test
    void scrapeOfARealRunPassesPromtool(@TempDir Path dir) throws Exception {
        Path promtool = promtool();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Sequential model = Sequential.of("logits", new Dense(2));
        Head head = new Head.Regression();
        ModelFn fn = (s, f, l, m) -> head.apply(model.call(s, f.get("x")), l.get("y"), m);
        Map<String, HostTensor> columns = Map.of(
                "x", HostTensor.fromDoubles(TensorType.of(DType.F32, 16, 3), new double[48]),
                "y", HostTensor.fromDoubles(TensorType.of(DType.F32, 16, 2), new double[32]));
        try (TrainingMetrics metrics = new TrainingMetrics(registry);
             MetricsServer server = new MetricsServer(registry, "127.0.0.1", 0);
             Estimator e = Estimator.builder(model, fn, RunConfig.of(dir, 1).withCheckpoints(5, Duration.ZERO, 2))
                     .device(new ReferenceDevice()).listener(metrics).build()) {
            e.train(() -> Dataset.fromTensors(columns).batch(4, true, Examples::stack).repeat()
                    .map(m -> Batch.split(m, Set.of("y"))), 10);
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            String scrape = response.body();
            for (String name : new String[] {"lockstep_step_duration_seconds_bucket", "lockstep_steps_total 10.0",
                    "lockstep_examples_total 40.0", "lockstep_global_step 10.0", "lockstep_loss ",
                    "lockstep_data_loss ", "lockstep_regularization_loss ", "lockstep_learning_rate ",
                    "lockstep_data_wait_seconds_total", "lockstep_data_corrupt_records_skipped_total 0.0", "lockstep_checkpoint_duration_seconds_count 2",
                    "lockstep_checkpoint_size_bytes_sum", "jvm_memory_used_bytes"}) {
                assertTrue(scrape.contains(name), "scrape lacks " + name);
            }
            assertPromtoolAccepts(promtool, scrape);
        }
    }

    /** The promtool on the PATH (or at /usr/bin/promtool); the test is skipped, saying how to install it, without. */
    private static Path promtool() {
        Optional<Path> found = ExternalProcess.onPath("promtool").or(() -> Optional.of(Path.of("/usr/bin/promtool"))
                .filter(Files::isExecutable));
        assumeTrue(found.isPresent(), "promtool is missing: install the Debian package 'prometheus' "
                + "(apt-get install prometheus; .ci/run does, so CI runs this test)");
        return found.get();
    }

    private static void assertPromtoolAccepts(Path promtool, String scrape) throws IOException, InterruptedException {
        ExternalProcess.Result r = ExternalProcess.run(Duration.ofSeconds(60), scrape.getBytes(StandardCharsets.UTF_8),
                List.of(promtool.toString(), "check", "metrics"));
        String output = r.stdout() + r.stderr();
        assertEquals(0, r.exitCode(), "promtool check metrics failed:\n" + output);
        assertTrue(output.isBlank(), "promtool reported lint problems:\n" + output);
    }
}
