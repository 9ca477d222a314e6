package dev.lockstep.rules;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * The dependency directions of docs/architecture.md as ArchUnit rules over the packages under
 * {@code root} ({@code dev.lockstep} for the product; a fixture root in the test that shows each rule
 * fails). Data flows one way: tensor → graph → device api → devices (pjrt reuses xla's emitter only); tensor → data, job; graph → nn →
 * estimator → worker → cli; job → coordinator. Nothing depends on cli, and the coordinator never needs
 * graph, device or nn code.
 */
final class Directions {
    private Directions() {}

    static List<ArchRule> rules(String root) {
        String tensor = root + ".tensor..", graph = root + ".graph..", device = root + ".device..",
                proto = root + ".proto..", data = root + ".data..", job = root + ".job..", nn = root + ".nn..",
                estimator = root + ".estimator..", worker = root + ".worker..", coordinator = root + ".coordinator..",
                collective = root + ".collective..", cli = root + ".cli..";
        return List.of(
                noClasses().that().resideOutsideOfPackage(cli)
                        .should().dependOnClassesThat().resideInAPackage(cli)
                        .because("cli/ holds only commands, flags and environment: nothing depends on it")
                        .allowEmptyShould(true),
                only(root, tensor, List.of(tensor), "the tensor value types depend on nothing"),
                only(root, graph, List.of(graph, tensor), "the graph is pure Java over the tensor types"),
                only(root, data, List.of(data, tensor, proto), "input pipelines need neither graph nor device code"),
                only(root, job, List.of(job, tensor),
                        "a job is plain data that a coordinator validates, stores and sends without nn, "
                                + "estimator or device code"),
                only(root, collective, List.of(collective, tensor, proto),
                        "the collective library knows nothing about models or devices"),
                noClasses().that().resideInAPackage(coordinator)
                        .should().dependOnClassesThat().resideInAnyPackage(graph, device, nn, estimator, worker)
                        .because("the coordinator needs neither graph, device nor model code")
                        .allowEmptyShould(true),
                noClasses().that().resideInAPackage(nn)
                        .should().dependOnClassesThat().resideInAnyPackage(device, data, job, estimator, worker)
                        .because("the model library traces graphs; devices, data and jobs come in above it")
                        .allowEmptyShould(true),
                noClasses().that().resideInAnyPackage(device)
                        .should().dependOnClassesThat().resideInAnyPackage(nn, data, job, estimator, worker)
                        .because("devices run graphs and know nothing of models, data or jobs")
                        .allowEmptyShould(true),
                noClasses().that().resideInAnyPackage(root + ".device.nd4j..")
                        .should().dependOnClassesThat().resideInAnyPackage(root + ".device.xla..", root + ".device.pjrt..")
                        .because("one device implementation never needs another").allowEmptyShould(true),
                noClasses().that().resideInAnyPackage(root + ".device.xla..")
                        .should().dependOnClassesThat().resideInAnyPackage(root + ".device.nd4j..", root + ".device.pjrt..")
                        .because("one device implementation never needs another").allowEmptyShould(true),
                noClasses().that().resideInAnyPackage(root + ".device.pjrt..")
                        .should().dependOnClassesThat(xlaBeyondTheEmitter(root))
                        .orShould().dependOnClassesThat().resideInAnyPackage(root + ".device.nd4j..")
                        .because("the PJRT device shares the StableHLO emitter with xla-cpu and nothing else")
                        .allowEmptyShould(true),
                noClasses().that().resideInAnyPackage(estimator)
                        .should().dependOnClassesThat().resideInAnyPackage(root + ".device.nd4j..",
                                root + ".device.xla..", root + ".device.pjrt..", worker, coordinator)
                        .because("the estimator opens devices by name through the device SPI and knows nothing "
                                + "of distribution")
                        .allowEmptyShould(true),
                noClasses().that().resideInAnyPackage(worker)
                        .should().dependOnClassesThat().resideInAnyPackage(coordinator)
                        .because("workers talk to the coordinator over proto services, not through its classes")
                        .allowEmptyShould(true));
    }

    /** device/xla's classes other than its public StableHLO emitter (StableHloEmitter, StableHloModule). */
    private static DescribedPredicate<JavaClass> xlaBeyondTheEmitter(String root) {
        String xla = root + ".device.xla.";
        return DescribedPredicate.describe("device.xla classes other than StableHloEmitter and StableHloModule",
                c -> c.getPackageName().startsWith(root + ".device.xla") && !c.getName().equals(xla + "StableHloEmitter")
                        && !c.getName().equals(xla + "StableHloModule"));
    }

    /** Classes of {@code pkg} use no Lockstep classes outside {@code allowed} (libraries are the poms' business). */
    private static ArchRule only(String root, String pkg, List<String> allowed, String why) {
        DescribedPredicate<JavaClass> outside = resideInAPackage(root + "..")
                .and(not(resideInAnyPackage(allowed.toArray(String[]::new))))
                .as("Lockstep classes outside " + String.join(", ", allowed));
        return noClasses().that().resideInAPackage(pkg).should().dependOnClassesThat(outside)
                .because(why).allowEmptyShould(true);
    }
}
