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
import org.hl7.fhir.r4.model.UrlType;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps worklist rows to FHIR R4 resources. Resource ids: ImagingStudy and Task use the Study
 * Instance UID; Patient a hash of the patient ID (no identifier in URLs); Observation "f" + finding
 * row id; DiagnosticReport and Provenance "r" + result row id; Device the model id and the start of
 * its SHA-256.
 */
final class FhirResources {

    static final String TRIAGE_SCORE_URL = "https://cxr-triage.org/fhir/StructureDefinition/triage-score";
    /** The study in the PACS viewer (TRIAGE_VIEWER_URL), on ImagingStudy. */
    static final String VIEWER_URL = "https://cxr-triage.org/fhir/StructureDefinition/viewer-url";
    static final String DICOM_UID_SYSTEM = "urn:dicom:uid";
    /** ISO 21090 name representation: ABC alphabetic, IDE ideographic, SYL syllabic (phonetic). */
    static final String NAME_REPRESENTATION = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation";
    static final String PATIENT_ID_SYSTEM = "urn:cxr-triage:dicom-patient-id";
    static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    static final String INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String DISCLAIMER = "AI triage for worklist prioritisation only; not a diagnosis. Every study must be"
            + " read by a radiologist.";

    private FhirResources() {
    }

    /** Sets meta.versionId and meta.lastUpdated (sent as ETag and Last-Modified on reads). */
    static <T extends org.hl7.fhir.r4.model.Resource> T stamp(T resource, String versionId, java.time.OffsetDateTime lastUpdated) {
        resource.getMeta().setVersionId(versionId);
        if (lastUpdated != null) {
            resource.getMeta().setLastUpdated(Date.from(lastUpdated.toInstant()));
        }
        return resource;
    }

    /** A study's version: its assembly revision and instance count, both of which only grow. */
    static String studyVersion(StudyRow study) {
        return Math.max(0, study.revision()) + "." + study.instanceCount();
    }

    static String deviceId(String modelId, String sha256) {
        return ModelDevice.id(modelId, sha256);
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
        // One HumanName per component group (alphabetic, ideographic, phonetic), each marked with its
        // representation, never the groups mixed into one name's given names.
        for (PersonName.Group group : PersonName.parse(study.patientName()).groups()) {
            HumanName name = patient.addName();
            if (!group.family().isBlank()) {
                name.setFamily(group.family());
            }
            for (String given : new String[] {group.given(), group.middle()}) {
                if (!given.isBlank()) {
                    name.addGiven(given);
                }
            }
            if (!group.prefix().isBlank()) {
                name.addPrefix(group.prefix());
            }
            if (!group.suffix().isBlank()) {
                name.addSuffix(group.suffix());
            }
            name.addExtension(NAME_REPRESENTATION, new org.hl7.fhir.r4.model.CodeType(switch (group.representation()) {
                case ALPHABETIC -> "ABC";
                case IDEOGRAPHIC -> "IDE";
                case PHONETIC -> "SYL";
            }));
        }
        patient.setGender(switch (study.patientSex() == null ? "" : study.patientSex()) {
            case "M" -> Enumerations.AdministrativeGender.MALE;
            case "F" -> Enumerations.AdministrativeGender.FEMALE;
            case "O" -> Enumerations.AdministrativeGender.OTHER;
            default -> Enumerations.AdministrativeGender.UNKNOWN;
        });
        if (study.birthDate() != null) {
            patient.setBirthDate(java.sql.Date.valueOf(study.birthDate()));
        }
        return stamp(patient, studyVersion(study), study.lastReceived());
    }

    /** @param viewerUrl the study in the PACS viewer, when one is configured */
    static ImagingStudy imagingStudy(StudyRow study, List<InstanceRow> instances, java.util.Optional<String> viewerUrl) {
        ImagingStudy resource = new ImagingStudy();
        resource.setId(study.uid());
        viewerUrl.ifPresent(url -> resource.addExtension(VIEWER_URL, new UrlType(url)));
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
            // The study's own offset (Timezone Offset From UTC) where the database kept it; the instant is right either way.
            resource.setStartedElement(new DateTimeType(Date.from(study.started().toInstant()),
                    ca.uhn.fhir.model.api.TemporalPrecisionEnum.SECOND,
                    java.util.TimeZone.getTimeZone(study.started().getOffset())));
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
        return stamp(resource, studyVersion(study), study.lastReceived());
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
        if (row.critical() && !status.aiDecides()) {
            // The current revision did not decide, but an earlier one flagged a critical finding: priority never goes down.
            task.addNote().setText("Priority " + row.priority() + " is kept from an earlier revision of this study, in which"
                    + " the AI flagged a critical finding; a later revision never lowers the priority.");
        }
        return stamp(task, Long.toString(row.version()), row.lastModified());
    }

    /** @param successor the result that superseded {@code result} (a later revision), or null while it is current */
    static Observation observation(FindingRow finding, ResultRow result,
                                   StudyRow study, ResultRow successor) {
        Observation observation = new Observation();
        observation.setId(References.observationId(finding.id()));
        observation.setStatus(successor == null ? Observation.ObservationStatus.PRELIMINARY
                : Observation.ObservationStatus.CANCELLED);
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
        observation.setDevice(new Reference(References.device(deviceId(result.modelId(), result.modelSha256()))));
        observation.addDerivedFrom(new Reference(References.imagingStudy(result.studyUid())));
        if (successor != null) {
            observation.addNote().setText(supersededText(result, successor));
        }
        return stamp(observation, successor == null ? "1" : "2", successor == null ? result.createdAt() : successor.createdAt());
    }

    /**
     * Why a result no longer stands, pointing at what replaced it: the new report when the later
     * revision was scored, else the Task, which shows the current revision's state.
     */
    static String supersededText(ResultRow result, ResultRow successor) {
        String replacement = "SCORED".equals(successor.status()) && !successor.shadow()
                ? References.diagnosticReport(successor.id())
                : References.task(successor.studyUid()) + " (revision " + successor.revision() + " was not scored: "
                        + successor.reason() + ")";
        return "Cancelled: superseded by revision " + successor.revision() + " of the study (revision " + result.revision()
                + " was incomplete or changed); see " + replacement + ".";
    }

    /** @param successor the result that superseded {@code result} (a later revision), or null while it is current */
    static DiagnosticReport report(ResultRow result, List<FindingRow> findings,
                                   StudyRow study, ResultRow successor) {
        DiagnosticReport report = new DiagnosticReport();
        report.setId(References.resultId(result.id()));
        report.setStatus(successor == null ? DiagnosticReport.DiagnosticReportStatus.PRELIMINARY
                : DiagnosticReport.DiagnosticReportStatus.CANCELLED);
        report.addCategory().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v2-0074").setCode("RAD");
        report.getCode().setText("AI chest radiograph triage");
        if (study != null && study.patientKey() != null) {
            report.setSubject(new Reference(References.patient(study.patientKey())));
        }
        report.setIssued(Date.from(result.createdAt().toInstant()));
        report.addImagingStudy(new Reference(References.imagingStudy(result.studyUid())));
        findings.forEach(f -> report.addResult(new Reference(References.observation(f.id()))));
        if (!result.shadow()) {
            report.addPresentedForm().setContentType("application/dicom").setUrl(References.structuredReport(result.id()))
                    .setTitle("AI triage results as a DICOM Comprehensive 3D SR (TID 1500)");
        }
        long positives = findings.stream().filter(FindingRow::positive).count();
        report.setConclusion((positives == 0 ? "No finding above its operating point. " : positives
                + " finding(s) above the operating point. ") + DISCLAIMER
                + (successor != null ? " " + supersededText(result, successor) : ""));
        return stamp(report, successor == null ? "1" : "2", successor == null ? result.createdAt() : successor.createdAt());
    }

    /** The model as a Device: id, version, file SHA-256 and the calibration version(s) of its findings. */
    static Device device(ResultRow result, List<FindingRow> findings) {
        Device device = new Device();
        device.setId(deviceId(result.modelId(), result.modelSha256()));
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
        return stamp(device, "1", result.createdAt());
    }

    /**
     * @param replaced the results of earlier revisions this one superseded, with their findings: entities with role
     *                 {@code revision}, so a client can follow the chain from the new report to the cancelled ones
     */
    static Provenance provenance(ResultRow result, List<FindingRow> findings, Map<ResultRow, List<FindingRow>> replaced) {
        Provenance provenance = new Provenance();
        provenance.setId(References.resultId(result.id()));
        provenance.addTarget(new Reference(References.diagnosticReport(result.id())));
        findings.forEach(f -> provenance.addTarget(new Reference(References.observation(f.id()))));
        provenance.setRecorded(Date.from(result.createdAt().toInstant()));
        provenance.addAgent().setWho(new Reference(References.device(deviceId(result.modelId(), result.modelSha256()))))
                .getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/provenance-participant-type")
                .setCode("performer");
        provenance.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE)
                .setWhat(new Reference(References.imagingStudy(result.studyUid())));
        replaced.forEach((earlier, earlierFindings) -> {
            if ("SCORED".equals(earlier.status())) {
                provenance.addEntity().setRole(Provenance.ProvenanceEntityRole.REVISION)
                        .setWhat(new Reference(References.diagnosticReport(earlier.id())));
                earlierFindings.forEach(f -> provenance.addEntity().setRole(Provenance.ProvenanceEntityRole.REVISION)
                        .setWhat(new Reference(References.observation(f.id()))));
            }
        });
        return stamp(provenance, "1", result.createdAt());
    }
}
