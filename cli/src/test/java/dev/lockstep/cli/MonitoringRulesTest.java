package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.testing.ExternalProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * deploy/monitoring: the alerting rules pass promtool's check and their unit tests (which fail when an
 * expectation is wrong), the PrometheusRule carries the same groups, and the dashboard is well formed. That
 * its queries name metrics the processes export is checked against a real scrape in PrometheusEndToEndTest.
 */
class MonitoringRulesTest {
    static final Path MONITORING = DeployTools.DEPLOY.resolve("monitoring");

    @TempDir
    Path dir;

    @Test
    void theRulesPassPromtoolCheckAndTheirUnitTests() throws Exception {
        Path promtool = DeployTools.promtool();
        ExternalProcess.Result check = DeployTools.run(Duration.ofSeconds(60), promtool.toString(), "check", "rules",
                MONITORING.resolve("alerts.yaml").toString());
        assertEquals(0, check.exitCode(), check.stdout() + check.stderr());
        assertTrue(check.stdout().contains("SUCCESS: 7 rules found"), check.stdout());
        ExternalProcess.Result test = DeployTools.run(Duration.ofSeconds(120), promtool.toString(), "test", "rules",
                MONITORING.resolve("alerts-test.yaml").toString());
        assertEquals(0, test.exitCode(), test.stdout() + test.stderr());
        assertTrue(test.stdout().contains("SUCCESS"), test.stdout());
    }

    @Test
    void aWrongExpectationFailsTheUnitTests() throws Exception {
        Path promtool = DeployTools.promtool();
        Files.copy(MONITORING.resolve("alerts.yaml"), dir.resolve("alerts.yaml"));
        String tests = Files.readString(MONITORING.resolve("alerts-test.yaml"));
        // WorkerDown fires 2 minutes after rank 1 goes silent, so at 6 minutes nothing may fire.
        String wrong = tests.replaceFirst("(?s)- eval_time: 6m\\n(\\s+)alertname: LockstepWorkerDown\\n\\s+exp_alerts: \\[]",
                "- eval_time: 6m\n$1alertname: LockstepWorkerDown\n$1exp_alerts:\n$1  - exp_labels: {severity: critical}");
        assertFalse(wrong.equals(tests), "the expectation to break was found");
        Files.writeString(dir.resolve("alerts-test.yaml"), wrong);
        ExternalProcess.Result test = DeployTools.run(Duration.ofSeconds(120), promtool.toString(), "test", "rules",
                dir.resolve("alerts-test.yaml").toString());
        assertEquals(1, test.exitCode(), test.stdout() + test.stderr());
        assertTrue((test.stdout() + test.stderr()).contains("alertname: LockstepWorkerDown, time: 6m"),
                test.stdout() + test.stderr());
    }

    @Test
    void thePrometheusRuleOfTheComponentCarriesTheSameGroups() throws Exception {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        Map<String, Object> rules = yaml.load(Files.readString(MONITORING.resolve("alerts.yaml")));
        Map<String, Object> cr = yaml.load(Files.readString(DeployTools.DEPLOY.resolve(
                "k8s/components/prometheus/prometheusrule.yaml")));
        assertEquals(rules.get("groups"), Yamls.at(cr, "spec").get("groups"));
    }

    @Test
    void theDashboardHasUniquePanelsEachQueryingLockstepMetrics() throws Exception {
        JsonNode dash = new ObjectMapper().readTree(MONITORING.resolve("grafana-dashboard.json").toFile());
        assertEquals("lockstep-training", dash.get("uid").asText());
        Set<Integer> ids = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (JsonNode panel : dash.get("panels")) {
            assertTrue(ids.add(panel.get("id").asInt()), "duplicate panel id " + panel.get("id"));
            assertTrue(panel.get("targets").size() > 0, panel.get("title") + " has no query");
            for (JsonNode t : panel.get("targets")) {
                Set<String> used = PromQlNames.of(t.get("expr").asText());
                assertFalse(used.isEmpty(), panel.get("title") + ": " + t.get("expr"));
                used.forEach(n -> assertTrue(n.startsWith("lockstep_"), panel.get("title") + " queries " + n));
                names.addAll(used);
            }
        }
        for (String wanted : List.of("lockstep_examples_total", "lockstep_step_phase_seconds_total", "lockstep_loss",
                "lockstep_learning_rate", "lockstep_allreduce_bus_bandwidth_bytes_per_second", "lockstep_rank_up",
                "lockstep_rank_busy_seconds", "lockstep_checkpoint_age_seconds")) {
            assertTrue(names.contains(wanted), "no panel shows " + wanted + ": " + names);
        }
    }

    @Test
    void metricNamesAreReadFromPromQl() {
        assertEquals(Set.of("lockstep_step_phase_seconds_total", "lockstep_steps_total"), PromQlNames.of(
                "sum by (phase) (rate(lockstep_step_phase_seconds_total{lockstep_job=~\"$lockstep_job\"}[$__rate_interval]))"
                        + " / on () group_left sum(rate(lockstep_steps_total{a=\"b\"}[5m]))"));
        assertEquals(Set.of("lockstep_loss", "lockstep_steps_total"), PromQlNames.of(
                "((lockstep_loss != lockstep_loss) or (abs(lockstep_loss) == +Inf)) and (lockstep_steps_total > 0)"));
        assertEquals(Set.of("lockstep_rank_busy_seconds"), PromQlNames.of(
                "max without (rank) (lockstep_rank_busy_seconds) - min without (rank) (lockstep_rank_busy_seconds) > 0.25"));
        assertEquals(Set.of("lockstep_step_duration_seconds_bucket"), PromQlNames.of(
                "histogram_quantile(0.99, sum by (le) (rate(lockstep_step_duration_seconds_bucket[5m] offset 1h)))"));
    }
}
