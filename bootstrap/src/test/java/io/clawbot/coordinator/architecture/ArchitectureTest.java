package io.clawbot.coordinator.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The hexagon, checked on the real classes: the domain imports only java.*, Mutiny and itself; use cases only
 * the domain; adapters never each other; nothing but bootstrap sees more than one adapter; the packages of the
 * domain, and those of the use cases, form no cycle. Every rule must select classes (ArchUnit's failOnEmptyShould
 * is on), and the domain and no-cycle rules are shown to catch a violation.
 */
class ArchitectureTest {

    static final String ROOT = "io.clawbot.coordinator";

    static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // The application's test jar (the store contract suite) is on the test class path too.
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages(ROOT);

    static ArchRule domainDependsOnJavaMutinyAndItself(String domainPackage) {
        return classes().that().resideInAPackage(domainPackage + "..")
                .should().onlyDependOnClassesThat()
                // javax.crypto is the JDK's own (java.base): the HMACs that verify a webhook's signature.
                .resideInAnyPackage("java..", "javax.crypto..", "io.smallrye.mutiny..", domainPackage + "..")
                .because("the domain is pure Java; its only library is Mutiny (docs/adr/0001)");
    }

    @Test
    void the_domain_depends_only_on_java_mutiny_and_itself() {
        domainDependsOnJavaMutinyAndItself(ROOT + ".domain").check(PRODUCTION);
    }

    @Test
    void the_domain_rule_catches_a_domain_class_that_imports_a_framework() {
        JavaClasses offender = new ClassFileImporter().importClasses(
                io.clawbot.coordinator.architecture.fixture.domain.FrameworkLeak.class);
        assertThatThrownBy(() -> domainDependsOnJavaMutinyAndItself(
                "io.clawbot.coordinator.architecture.fixture.domain").check(offender))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("jakarta.inject.Inject");
    }

    /** Packages of one layer may depend on each other in one direction only. */
    static ArchRule noCycleAmong(String packages) {
        return slices().matching(packages + ".(*)..").should().beFreeOfCycles()
                .because("a package of the core depends on others in one direction only (docs/adr/0011)");
    }

    @Test
    void the_domain_packages_form_no_cycle() {
        noCycleAmong(ROOT + ".domain").check(PRODUCTION);
    }

    @Test
    void the_use_case_packages_form_no_cycle() {
        noCycleAmong(ROOT + ".application").check(PRODUCTION);
    }

    @Test
    void the_no_cycle_rule_catches_two_packages_that_use_each_other() {
        JavaClasses offenders = new ClassFileImporter().importClasses(
                io.clawbot.coordinator.architecture.fixture.cycle.a.Ping.class,
                io.clawbot.coordinator.architecture.fixture.cycle.b.Pong.class);
        assertThatThrownBy(() -> noCycleAmong("io.clawbot.coordinator.architecture.fixture.cycle").check(offenders))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle detected");
    }

    @Test
    void use_cases_depend_only_on_the_domain() {
        classes().that().resideInAPackage(ROOT + ".application..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "io.smallrye.mutiny..", ROOT + ".domain..", ROOT + ".application..")
                .check(PRODUCTION);
    }

    @Test
    void adapters_do_not_depend_on_each_other() {
        slices().matching(ROOT + ".adapters.(*)..").should().notDependOnEachOther().check(PRODUCTION);
    }

    @Test
    void the_core_does_not_know_the_adapters_or_the_bootstrap() {
        noClasses().that().resideInAnyPackage(ROOT + ".domain..", ROOT + ".application..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".adapters..", ROOT + ".bootstrap..")
                .check(PRODUCTION);
    }

    @Test
    void persistence_entities_stay_inside_the_persistence_adapter() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".adapters.persistence..")
                .should().dependOnClassesThat().areAnnotatedWith(jakarta.persistence.Entity.class)
                .check(PRODUCTION);
    }

    @Test
    void use_cases_carry_no_framework_annotations() {
        noClasses().that().resideInAPackage(ROOT + ".application..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta..", "io.quarkus..", "org.hibernate..")
                .check(PRODUCTION);
    }

    @Test
    void the_import_sees_every_module() {
        assertThat(PRODUCTION.stream().map(c -> c.getPackageName().substring(ROOT.length() + 1).split("\\.")[0])
                .distinct()).contains("domain", "application", "adapters", "bootstrap");
    }
}
