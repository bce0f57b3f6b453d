package org.cxrtriage.app.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.cxrtriage.app.delivery.DeliveryOutbox;
import org.cxrtriage.app.delivery.OperationsNotice;
import org.cxrtriage.app.delivery.OutboxMessage;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

/**
 * dicom-listener, models and compliance are plain libraries: none depends on another or on
 * Micronaut; only app wires them together. Inside app, packages form layers in the order a study
 * flows: adapters (fhir, web, cli, health, models) on top; then ingest, assembly, triage and
 * retention; then result delivery; then the worklist; security beside the adapters; audit, config
 * and db at the bottom. Population monitoring sits beside the pipeline: it reads the worklist's and
 * triage's tables and sets triage's suspension, and only adapters reach it. No package reaches
 * upward, and triage reaches delivery only through its one seam (the outbox it writes into, inside
 * the result's transaction).
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

    @Test
    void appPackagesFormLayersAndNothingReachesUpward() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Adapters").definedBy("org.cxrtriage.app.fhir..", "org.cxrtriage.app.web..", "org.cxrtriage.app.cli..",
                        "org.cxrtriage.app.health..", "org.cxrtriage.app.models..")
                .layer("Security").definedBy("org.cxrtriage.app.security..")
                .layer("Ingest").definedBy("org.cxrtriage.app.ingest..")
                .layer("Assembly").definedBy("org.cxrtriage.app.assembly..")
                .layer("Triage").definedBy("org.cxrtriage.app.triage..")
                .layer("Retention").definedBy("org.cxrtriage.app.retention..")
                .layer("Monitoring").definedBy("org.cxrtriage.app.monitoring..")
                .layer("Delivery").definedBy("org.cxrtriage.app.delivery..")
                .layer("Worklist").definedBy("org.cxrtriage.app.worklist..")
                .layer("Foundation").definedBy("org.cxrtriage.app.audit..", "org.cxrtriage.app.config..",
                        "org.cxrtriage.app.db..", "org.cxrtriage.app.patient..")
                .whereLayer("Adapters").mayNotBeAccessedByAnyLayer()
                .whereLayer("Security").mayOnlyBeAccessedByLayers("Adapters")
                .whereLayer("Ingest").mayOnlyBeAccessedByLayers("Adapters")
                .whereLayer("Assembly").mayOnlyBeAccessedByLayers("Adapters", "Ingest")
                .whereLayer("Triage").mayOnlyBeAccessedByLayers("Adapters", "Assembly", "Monitoring")
                .whereLayer("Retention").mayOnlyBeAccessedByLayers("Adapters")
                .whereLayer("Monitoring").mayOnlyBeAccessedByLayers("Adapters")
                .whereLayer("Delivery").mayOnlyBeAccessedByLayers("Adapters", "Triage")
                .whereLayer("Worklist").mayOnlyBeAccessedByLayers("Adapters", "Triage", "Monitoring", "Delivery")
                .check(CLASSES);
    }

    @Test
    void triageReachesDeliveryOnlyThroughTheOutbox() {
        noClasses().that().resideInAPackage("org.cxrtriage.app.triage..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("org.cxrtriage.app.delivery..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.belongToAnyOf(DeliveryOutbox.class, OutboxMessage.class,
                                OperationsNotice.class))))
                .because("triage hands a stored result to the outbox and knows nothing of destinations or senders")
                .check(CLASSES);
    }

    @Test
    void theFhirApiAndTheWebPageAreSeparateAdaptersOverTheSameServices() {
        noClasses().that().resideInAPackage("org.cxrtriage.app.fhir..")
                .should().dependOnClassesThat().resideInAPackage("org.cxrtriage.app.web..").check(CLASSES);
        noClasses().that().resideInAPackage("org.cxrtriage.app.web..")
                .should().dependOnClassesThat().resideInAPackage("org.cxrtriage.app.fhir..").check(CLASSES);
    }
}
