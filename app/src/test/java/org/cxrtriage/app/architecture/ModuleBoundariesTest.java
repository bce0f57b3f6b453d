package org.cxrtriage.app.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * dicom-listener, models and compliance are plain libraries: none depends on another or on
 * Micronaut; only app wires them together.
 */
class ModuleBoundariesTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.cxrtriage");

    private static final String[][] LIBRARIES = {
            {"org.cxrtriage.dicom..", "dicom-listener"},
            {"org.cxrtriage.models..", "models"},
            {"org.cxrtriage.compliance..", "compliance"}};

    @Test
    void librariesDoNotKnowMicronaut() {
        for (String[] library : LIBRARIES) {
            noClasses().that().resideInAPackage(library[0])
                    .should().dependOnClassesThat().resideInAPackage("io.micronaut..")
                    .because(library[1] + " is a plain Java library; app wires it into Micronaut")
                    .allowEmptyShould(true)
                    .check(CLASSES);
        }
    }

    @Test
    void librariesDoNotDependOnEachOtherOrOnApp() {
        for (String[] library : LIBRARIES) {
            for (String[] other : LIBRARIES) {
                if (other != library) {
                    noClasses().that().resideInAPackage(library[0])
                            .should().dependOnClassesThat().resideInAPackage(other[0])
                            .because(library[1] + " must not depend on " + other[1])
                            .allowEmptyShould(true)
                            .check(CLASSES);
                }
            }
            noClasses().that().resideInAPackage(library[0])
                    .should().dependOnClassesThat().resideInAPackage("org.cxrtriage.app..")
                    .allowEmptyShould(true)
                    .check(CLASSES);
        }
    }
}
