package dev.lockstep.rules;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DependencyDirectionsTest {
    @Test
    void everyModuleDependsOnlyDownward() {
        JavaClasses product = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.lockstep");
        // Guards against a vacuous pass: the import must see every module's classes.
        for (String pkg : List.of("tensor", "graph", "device", "device.nd4j", "device.xla", "device.pjrt", "proto", "collective", "data", "job", "nn",
                "estimator", "worker", "coordinator", "cli")) {
            assertTrue(product.containPackage("dev.lockstep." + pkg), "no classes imported from dev.lockstep." + pkg);
        }
        List<String> violations = new ArrayList<>();
        for (ArchRule rule : Directions.rules("dev.lockstep")) {
            EvaluationResult r = rule.evaluate(product);
            if (r.hasViolation()) {
                violations.add(r.getFailureReport().toString());
            }
        }
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }

    /** The fixture packages break one rule each; every such rule must fail and name the class. */
    @Test
    void aDeliberatelyWrongDependencyFailsItsRule() {
        JavaClasses fixture = new ClassFileImporter().importPackages("dev.lockstep.rulesfixture");
        String root = "dev.lockstep.rulesfixture";
        List<String> reports = new ArrayList<>();
        for (ArchRule rule : Directions.rules(root)) {
            EvaluationResult r = rule.evaluate(fixture);
            if (r.hasViolation()) {
                reports.add(r.getFailureReport().toString());
            }
        }
        String all = String.join("\n", reports);
        assertTrue(all.contains("rulesfixture.job.ParsedJob") && all.contains("rulesfixture.nn.Layer"),
                "a job class using an nn class must fail: " + all);
        assertTrue(all.contains("rulesfixture.estimator.Runner") && all.contains("rulesfixture.cli.Command"),
                "an estimator class using a cli class must fail: " + all);
        assertTrue(all.contains("rulesfixture.coordinator.Jobs") && all.contains("rulesfixture.graph.Node"),
                "a coordinator class using graph code must fail: " + all);
        assertTrue(all.contains("rulesfixture.tensor.Values") && all.contains("rulesfixture.graph.Node"),
                "a tensor class using graph code must fail: " + all);
        assertTrue(all.contains("rulesfixture.device.pjrt.Binding") && all.contains("rulesfixture.device.xla.TfRuntime"),
                "the PJRT device using xla-cpu's runtime must fail: " + all);
        assertFalse(all.contains("rulesfixture.device.xla.StableHloEmitter>"),
                "the PJRT device may use the StableHLO emitter: " + all);
        assertFalse(all.contains("rulesfixture.nn.Layer <") || all.contains("Class <" + root + ".nn.Layer>"),
                "nn.Layer depends only downward and must not be reported: " + all);
        assertTrue(reports.size() == 5, "exactly the five broken rules fail, got " + reports.size() + ":\n" + all);
    }
}
