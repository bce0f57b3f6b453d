package org.cxrtriage.app.fhir;

import org.cxrtriage.app.audit.References;
import org.cxrtriage.app.worklist.BusinessStatus;
import org.cxrtriage.app.worklist.FindingRow;
import org.cxrtriage.app.worklist.InstanceRow;
import org.cxrtriage.app.worklist.PersonName;
import org.cxrtriage.app.worklist.ResultRow;
import org.cxrtriage.app.worklist.StudyRow;
import org.cxrtriage.app.worklist.TaskRow;

import org.cxrtriage.app.audit.ModelDevice;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps worklist rows to FHIR R4 resources. Resource ids: ImagingStudy and Task use the Study
 * Instance UID; Patient a hash of the patient ID (no identifier in URLs); Observation "f" + finding
 * row id; DiagnosticReport and Provenance "r" + result row id; Device the model id, its version and
 * the start of its SHA-256 (ModelDevice).
 */
final class FhirResources {

    static final String TRIAGE_SCORE_URL = "https://cxr-triage.org/fhir/StructureDefinition/triage-score";
    static final String DICOM_UID_SYSTEM = "urn:dicom:uid";
    static final String PATIENT_ID_SYSTEM = "urn:cxr-triage:dicom-patient-id";
    static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    static final String INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String DISCLAIMER = "AI triage for worklist prioritisation only; not a diagnosis. Every study must be"
            + " read by a radiologist.";

    private FhirResources() {
    }

    static String deviceId(String modelId, String version, String sha256) {
        return ModelDevice.id(modelId, version, sha256);
    }

    /** "not scored: lateral view only", "unreliable: ...": the coded status in words, for people. */
    static String businessText(BusinessStatus status, String reason) {
        return switch (status) {
            case SCORED -> "scored";
            case NOT_SCORED -> "not scored: " + reason;
            case ERROR -> "not scored: " + reason;
            default -> reason == null ? status.display() : reason;
        };
    }

    static Patient patient(StudyRow study) {
        Patient patient = new Patient();
        patient.setId(study.patientKey());
        if (study.patientId() != null) {
            Identifier identifier = patient.addIdentifier().setSystem(PATIENT_ID_SYSTEM).setValue(study.patientId());
            if (study.issuerOfPatientId() != null) {
                identifier.getAssigner().setDisplay(study.issuerOfPatientId());
            }
        }
        PersonName.parse(study.patientName()).groups().stream().findFirst().ifPresent(group -> {
            HumanName name = patient.addName().setFamily(group.family());
            for (String given : new String[] {group.given(), group.middle()}) {
                if (!given.isBlank()) {
                    name.addGiven(given);
                }
            }
        });
        patient.setGender(switch (study.patientSex() == null ? "" : study.patientSex()) {
            case "M" -> Enumerations.AdministrativeGender.MALE;
            case "F" -> Enumerations.AdministrativeGender.FEMALE;
            case "O" -> Enumerations.AdministrativeGender.OTHER;
            default -> Enumerations.AdministrativeGender.UNKNOWN;
        });
        if (study.birthDate() != null) {
            patient.setBirthDate(java.sql.Date.valueOf(study.birthDate()));
        }
        return patient;
    }

    static ImagingStudy imagingStudy(StudyRow study, List<InstanceRow> instances) {
        ImagingStudy resource = new ImagingStudy();
        resource.setId(study.uid());
        resource.setStatus(ImagingStudy.ImagingStudyStatus.AVAILABLE);
        resource.addIdentifier().setSystem(DICOM_UID_SYSTEM).setValue("urn:oid:" + study.uid());
        if (study.accession() != null && !study.accession().isBlank()) {
            Identifier accession = resource.addIdentifier().setValue(study.accession());
            accession.getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v2-0203").setCode("ACSN");
        }
        if (study.patientKey() != null) {
            resource.setSubject(new Reference(References.patient(study.patientKey())));
        }
        if (study.started() != null) {
            resource.setStartedElement(new DateTimeType(Date.from(study.started().toInstant())));
        }
        if (study.description() != null && !study.description().isBlank()) {
            resource.setDescription(study.description());
        }
        String modality = study.modality() == null || study.modality().isBlank() ? "OT" : study.modality();
        resource.addModality().setSystem(DCM).setCode(modality);
        Map<String, ImagingStudy.ImagingStudySeriesComponent> series = new LinkedHashMap<>();
        for (InstanceRow instance : instances) {
            ImagingStudy.ImagingStudySeriesComponent component = series.computeIfAbsent(instance.seriesUid(), uid -> {
                ImagingStudy.ImagingStudySeriesComponent s = resource.addSeries();
                s.setUid(uid);
                s.setModality(new Coding(DCM, modality, null));
                return s;
            });
            component.addInstance().setUid(instance.sopInstanceUid())
                    .setSopClass(new Coding("urn:ietf:rfc:3986", "urn:oid:" + instance.sopClassUid(), null));
        }
        series.values().forEach(s -> s.setNumberOfInstances(s.getInstance().size()));
        resource.setNumberOfSeries(series.size());
        resource.setNumberOfInstances(instances.size());
        return resource;
    }

    /** @param patientKey the study's Patient id, or null when its details are not known yet */
    static Task task(TaskRow row, String patientKey) {
        Task task = new Task();
        task.setId(row.studyUid());
        task.setStatus(Task.TaskStatus.fromCode(row.status()));
        task.setIntent(Task.TaskIntent.ORDER);
        task.setPriority(Task.TaskPriority.fromCode(row.priority()));
        task.getCode().setText("Review chest radiograph (AI-prioritised)");
        BusinessStatus status = BusinessStatus.of(row.businessStatus());
        if (status.aiDecides()) {
            task.setDescription(row.critical() ? "AI flagged a critical finding"
                    : "AI found no critical finding above its operating point");
        }
        task.setFocus(new Reference(References.imagingStudy(row.studyUid())));
        if (patientKey != null) {
            task.setFor(new Reference(References.patient(patientKey)));
        }
        task.setBusinessStatus(new CodeableConcept(new Coding(BusinessStatus.SYSTEM, status.code(), status.display()))
                .setText(businessText(status, row.reason())));
        if (status.aiDecides()) {
            task.addExtension(TRIAGE_SCORE_URL, new DecimalType(row.triageScore()));
        }
        if (row.owner() != null) {
            task.setOwner(new Reference().setDisplay(row.owner()));
        }
        task.setAuthoredOn(Date.from(row.authoredOn().toInstant()));
        task.setLastModified(Date.from(row.lastModified().toInstant()));
        if (row.currentResultId() != null && status.scoresShown()) {
            task.addOutput().setType(new CodeableConcept().setText("AI triage report"))
                    .setValue(new Reference(References.diagnosticReport(row.currentResultId())));
        }
        return task;
    }

    static Observation observation(FindingRow finding, ResultRow result,
                                   StudyRow study) {
        Observation observation = new Observation();
        observation.setId(References.observationId(finding.id()));
        observation.setStatus(Observation.ObservationStatus.PRELIMINARY);
        observation.addCategory().addCoding().setSystem(OBSERVATION_CATEGORY).setCode("imaging");
        observation.getCode().addCoding().setSystem(finding.codeSystem()).setCode(finding.code()).setDisplay(finding.display());
        observation.getCode().setText(finding.display() + " (AI probability)");
        if (study != null && study.patientKey() != null) {
            observation.setSubject(new Reference(References.patient(study.patientKey())));
        }
        observation.setEffective(new DateTimeType(Date.from(result.createdAt().toInstant())));
        observation.setValue(new Quantity().setValue(finding.probability()).setSystem("http://unitsofmeasure.org")
                .setCode("1").setUnit("probability"));
        if (result.unreliable()) {
            observation.addInterpretation().addCoding().setSystem(INTERPRETATION).setCode("IND").setDisplay("Indeterminate");
            observation.addNote().setText("AI unreliable for this image: " + result.reliabilityReason()
                    + ". The probability is shown for completeness and did not set the worklist priority.");
        } else if (finding.threshold() != null) {
            observation.addInterpretation().addCoding().setSystem(INTERPRETATION).setCode(finding.positive() ? "POS" : "NEG")
                    .setDisplay(finding.positive() ? "Positive" : "Negative");
            observation.addNote().setText(String.format("Positive at or above the operating point %.3f (calibration %s).",
                    finding.threshold(), finding.calibrationVersion()));
        }
        observation.getMethod().setText("AI model " + result.modelId() + " " + result.modelVersion()
                + ", calibrated probability" + (result.shadow() ? " (shadow model: not used for priority)" : ""));
        observation.setDevice(new Reference(References.device(deviceId(result.modelId(), result.modelVersion(), result.modelSha256()))));
        observation.addDerivedFrom(new Reference(References.imagingStudy(result.studyUid())));
        return observation;
    }

    static DiagnosticReport report(ResultRow result, List<FindingRow> findings,
                                   StudyRow study) {
        DiagnosticReport report = new DiagnosticReport();
        report.setId(References.resultId(result.id()));
        report.setStatus(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY);
        report.addCategory().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v2-0074").setCode("RAD");
        report.getCode().setText("AI chest radiograph triage");
        if (study != null && study.patientKey() != null) {
            report.setSubject(new Reference(References.patient(study.patientKey())));
        }
        report.setIssued(Date.from(result.createdAt().toInstant()));
        report.addImagingStudy(new Reference(References.imagingStudy(result.studyUid())));
        findings.forEach(f -> report.addResult(new Reference(References.observation(f.id()))));
        long positives = findings.stream().filter(FindingRow::positive).count();
        report.setConclusion((positives == 0 ? "No finding above its operating point. " : positives
                + " finding(s) above the operating point. ") + DISCLAIMER
                + (result.supersededBy() != null ? " Superseded by " + References.diagnosticReport(result.supersededBy()) + "." : ""));
        return report;
    }

    /** The model as a Device: id, version, file SHA-256 and the calibration version(s) of its findings. */
    static Device device(ResultRow result, List<FindingRow> findings) {
        Device device = new Device();
        device.setId(deviceId(result.modelId(), result.modelVersion(), result.modelSha256()));
        device.addIdentifier().setSystem("urn:cxr-triage:model-sha256").setValue(result.modelSha256());
        device.addDeviceName().setName(result.modelId()).setType(Device.DeviceNameType.MODELNAME);
        device.addVersion().setValue(result.modelVersion()).getType().setText("model version");
        String calibrations = String.join(", ", findings.stream().map(FindingRow::calibrationVersion)
                .distinct().toList());
        if (!calibrations.isEmpty()) {
            device.addVersion().setValue(calibrations).getType().setText("calibration version");
        }
        device.setStatus(Device.FHIRDeviceStatus.ACTIVE);
        device.addNote().setText("AI triage model run on " + result.device() + ". " + DISCLAIMER);
        return device;
    }

    static Provenance provenance(ResultRow result, List<FindingRow> findings) {
        Provenance provenance = new Provenance();
        provenance.setId(References.resultId(result.id()));
        provenance.addTarget(new Reference(References.diagnosticReport(result.id())));
        findings.forEach(f -> provenance.addTarget(new Reference(References.observation(f.id()))));
        provenance.setRecorded(Date.from(result.createdAt().toInstant()));
        provenance.addAgent().setWho(new Reference(References.device(deviceId(result.modelId(), result.modelVersion(), result.modelSha256()))))
                .getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/provenance-participant-type")
                .setCode("performer");
        provenance.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE)
                .setWhat(new Reference(References.imagingStudy(result.studyUid())));
        return provenance;
    }
}
