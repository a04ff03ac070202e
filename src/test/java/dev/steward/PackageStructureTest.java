package dev.steward;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The direction of the packages (docs/ARCHITECTURE.md), checked over the compiled classes: capabilities form no
 * cycle; {@code platform} knows no capability; {@code access} knows only {@code platform}; only the console knows the
 * console. A change that breaks one fails the build and names the classes.
 */
class PackageStructureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.steward");

    @Test
    void capabilitiesFormNoCycle() {
        slices().matching("dev.steward.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void platformKnowsNoCapability() {
        noClasses().that().resideInAPackage("dev.steward.platform..")
                .should().dependOnClassesThat(resideInAPackage("dev.steward..")
                        .and(resideOutsideOfPackage("dev.steward.platform..")))
                .check(CLASSES);
    }

    @Test
    void accessKnowsOnlyPlatform() {
        noClasses().that().resideInAPackage("dev.steward.access..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.steward.audit..", "dev.steward.automations..",
                        "dev.steward.cleanup..", "dev.steward.concurrency..", "dev.steward.console..",
                        "dev.steward.deployments..", "dev.steward.events..", "dev.steward.orchestration..",
                        "dev.steward.variables..", "dev.steward.workers..", "dev.steward.artifacts..")
                .check(CLASSES);
    }

    @Test
    void onlyTheConsoleKnowsTheConsole() {
        noClasses().that().resideOutsideOfPackage("dev.steward.console..")
                .should().dependOnClassesThat().resideInAPackage("dev.steward.console..")
                .check(CLASSES);
    }
}
