package dev.lockstep.rules;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.io.ObjectInputStream;
import org.junit.jupiter.api.Test;

/**
 * Nothing in Lockstep reads Java-serialized objects: bytes from the network (and from files) are parsed as
 * protobuf, YAML through a safe constructor, JSON or safetensors, never by {@link ObjectInputStream}.
 */
class NoJavaDeserializationTest {
    static ArchRule rule(String root) {
        return noClasses().that().resideInAPackage(root + "..").should().dependOnClassesThat()
                .areAssignableTo(ObjectInputStream.class)
                .because("Java deserialization of untrusted bytes runs code chosen by whoever wrote them")
                .allowEmptyShould(true);
    }

    @Test
    void noProductClassUsesObjectInputStream() {
        JavaClasses product = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.lockstep");
        assertTrue(product.containPackage("dev.lockstep.collective") && product.containPackage("dev.lockstep.coordinator"));
        EvaluationResult r = rule("dev.lockstep").evaluate(product);
        assertFalse(r.hasViolation(), r.getFailureReport().toString());
    }

    @Test
    void theRuleFailsOnAClassThatDeserializes() {
        EvaluationResult r = rule("dev.lockstep.rulesfixture")
                .evaluate(new ClassFileImporter().importPackages("dev.lockstep.rulesfixture"));
        assertTrue(r.hasViolation() && r.getFailureReport().toString().contains("rulesfixture.serial.Loader"),
                r.getFailureReport().toString());
    }
}
