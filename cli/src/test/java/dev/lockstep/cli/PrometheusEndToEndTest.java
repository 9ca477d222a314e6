package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.testing.ExternalProcess;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on loopback: a real Prometheus server (Debian's prometheus, with a generated configuration and
 * the alerting rules of deploy/monitoring) scrapes the coordinator and both workers of a running
 * {@code lockstep local --workers 2}; PromQL over its HTTP API gives the job's examples rate and its two
 * workers up; every endpoint passes {@code promtool check metrics}; and every metric the Grafana dashboard
 * and the alerting rules query is one the processes export, every dashboard query returning data.
 */
@Tag("slow")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class PrometheusEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void prometheusScrapesALocalJobAndTheDashboardQueriesWhatItExports() throws Exception {
        Path prometheus = ExternalProcess.onPath("prometheus").or(() -> java.util.Optional.of(Path.of("/usr/bin/prometheus"))
                .filter(Files::isExecutable)).orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(prometheus != null, "the prometheus server is missing: install "
                + "the Debian package 'prometheus' (.ci/run does, so CI runs this test)");
        Path promtool = DeployTools.promtool();
        Path job = dir.resolve("job.yaml");
        // Long enough to outlive the test: it is stopped (SIGTERM cancels the job) once the checks are done.
        Files.writeString(job, LocalTrainingTest.mlp(dir.resolve("model"), 200_000, 50, """
                eval:
                  data: {synthetic: {blobs: {count: 256, classes: 4, dim: 8, split: [2, 1]}}}
                  batch_size: 64
                  steps: 1
                  every_steps: 20
                distributed: {workers: 2}
                """));
        try (RunningProcess local = RunningProcess.lockstep(dir.resolve("local.log"), "local", "--workers", "2",
                "--metrics-port", "0", "--state-dir", dir.resolve("state").toString(), job.toString())) {
            String coordinator = local.await(Pattern.compile("metrics at http://(127\\.0\\.0\\.1:\\d+)/metrics \\(coordinator\\)"),
                    WAIT);
            List<String> workers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Path log = dir.resolve("state/logs/worker-" + i + ".log");
                workers.add(awaitInFile(log, Pattern.compile("metrics at http://(127\\.0\\.0\\.1:\\d+)/metrics")));
            }
            Path config = dir.resolve("prometheus.yml");
            Files.copy(DeployTools.DEPLOY.resolve("monitoring/alerts.yaml"), dir.resolve("alerts.yaml"));
            Files.writeString(config, """
                    global: {scrape_interval: 1s, evaluation_interval: 1s}
                    rule_files: [alerts.yaml]
                    scrape_configs:
                      - job_name: lockstep-coordinator
                        static_configs: [{targets: ['%s'], labels: {lockstep_job: e2e}}]
                      - job_name: lockstep-workers
                        static_configs: [{targets: ['%s', '%s'], labels: {lockstep_job: e2e}}]
                    """.formatted(coordinator, workers.get(0), workers.get(1)));
            try (RunningProcess server = RunningProcess.start(dir.resolve("prometheus.log"), List.of(prometheus.toString(),
                    "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                    "--web.listen-address=127.0.0.1:0"))) {
                String api = "http://" + server.await(Pattern.compile("msg=\"Listening on\" address=(127\\.0\\.0\\.1:\\d+)"),
                        Duration.ofSeconds(60)) + "/api/v1/";
                JsonNode up = awaitQuery(api, "sum(up{lockstep_job=\"e2e\"})", r -> value(r) == 3);
                assertEquals(3, value(up), "the coordinator and both workers are scraped");
                JsonNode rate = awaitQuery(api, "sum(rate(lockstep_examples_total{lockstep_job=\"e2e\"}[5s]))",
                        r -> value(r) > 0);
                assertTrue(value(rate) > 0, "examples per second: " + rate);
                JsonNode workersUp = awaitQuery(api, "sum(lockstep_workers_up{lockstep_job=\"e2e\"})", r -> value(r) == 2);
                assertEquals(2, value(workersUp));
                awaitQuery(api, "count(lockstep_eval_loss{lockstep_job=\"e2e\"})", r -> value(r) == 2);
                awaitQuery(api, "count(lockstep_rank_busy_seconds{lockstep_job=\"e2e\"} >= 0)", r -> value(r) == 2);

                Set<String> exported = new HashSet<>();
                get(api + "label/__name__/values").get("data").forEach(n -> exported.add(n.asText()));
                checkDashboard(api, exported);
                checkRules(exported);
                for (String target : List.of(coordinator, workers.get(0), workers.get(1))) {
                    String scrape = http.send(HttpRequest.newBuilder(URI.create("http://" + target + "/metrics"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
                    ExternalProcess.Result lint = ExternalProcess.run(Duration.ofSeconds(60),
                            scrape.getBytes(StandardCharsets.UTF_8), List.of(promtool.toString(), "check", "metrics"));
                    assertEquals(0, lint.exitCode(), target + ": " + lint.stdout() + lint.stderr());
                }
            }
            assertTrue(local.process.isAlive(), "the job still ran while Prometheus scraped it:\n" + local.output());
        }
    }

    /** Every panel's queries name exported metrics and return data (the job is running). */
    private void checkDashboard(String api, Set<String> exported) throws Exception {
        JsonNode dash = json.readTree(DeployTools.DEPLOY.resolve("monitoring/grafana-dashboard.json").toFile());
        for (JsonNode panel : dash.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                String expr = target.get("expr").asText();
                for (String name : PromQlNames.of(expr)) {
                    assertTrue(exported.contains(name), "panel '" + panel.get("title").asText() + "' queries " + name
                            + ", which no process exports; exported: " + exported);
                }
                String query = expr.replace("$lockstep_job", "e2e").replace("$__rate_interval", "10s");
                JsonNode r = awaitQuery(api, query, result -> !result.get("data").get("result").isEmpty());
                assertFalse(r.get("data").get("result").isEmpty(), panel.get("title") + ": " + query);
            }
        }
    }

    private void checkRules(Set<String> exported) throws Exception {
        for (String line : Files.readAllLines(DeployTools.DEPLOY.resolve("monitoring/alerts.yaml"))) {
            // every metric name in the rules file: the names start with lockstep_ (recording rules: lockstep:)
            java.util.regex.Matcher m = Pattern.compile("\\b(lockstep_[a-z_]+)\\b").matcher(line);
            while (m.find()) {
                String name = m.group(1);
                if (!line.strip().startsWith("#") && !line.contains("description") && !line.contains("summary")
                        && !line.contains(" names the rank")) {
                    assertTrue(exported.contains(name), "alerts.yaml queries " + name + ", which no process exports");
                }
            }
        }
    }

    private JsonNode awaitQuery(String api, String query, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = get(api + "query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
            assertEquals("success", last.get("status").asText(), query + ": " + last);
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("not within " + WAIT + ": " + query + "; last answer " + last);
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return json.readTree(r.body());
    }

    /** The value of a one-sample instant vector, or NaN when it is empty. */
    private static double value(JsonNode response) {
        JsonNode result = response.get("data").get("result");
        return result.isEmpty() ? Double.NaN : Double.parseDouble(result.get(0).get("value").get(1).asText());
    }

    private static String awaitInFile(Path file, Pattern pattern) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                java.util.regex.Matcher m = pattern.matcher(Files.readString(file));
                if (m.find()) {
                    return m.group(1);
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + pattern + " in " + file + " within " + WAIT);
    }
}
