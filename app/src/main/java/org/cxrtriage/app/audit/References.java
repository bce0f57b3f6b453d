package org.cxrtriage.app.audit;

/**
 * How the system names its resources, in FHIR reference form ("Task/1.2.3"): in FHIR resources,
 * in audit records and in links, one spelling each.
 */
public final class References {

    private References() {
    }

    public static String task(String studyUid) {
        return "Task/" + studyUid;
    }

    public static String imagingStudy(String studyUid) {
        return "ImagingStudy/" + studyUid;
    }

    public static String patient(String patientKey) {
        return "Patient/" + patientKey;
    }

    public static String observation(long findingId) {
        return "Observation/" + observationId(findingId);
    }

    public static String observationId(long findingId) {
        return "f" + findingId;
    }

    public static String diagnosticReport(long resultId) {
        return "DiagnosticReport/" + resultId(resultId);
    }

    public static String provenance(long resultId) {
        return "Provenance/" + resultId(resultId);
    }

    /** The id of a result's DiagnosticReport and Provenance. */
    public static String resultId(long resultId) {
        return "r" + resultId;
    }

    /** The DICOM SR of a result, served as a FHIR Binary. */
    public static String structuredReport(long resultId) {
        return "Binary/" + structuredReportId(resultId);
    }

    public static String structuredReportId(long resultId) {
        return "sr-" + resultId(resultId);
    }

    public static String device(String deviceId) {
        return "Device/" + deviceId;
    }

    public static String user(String name) {
        return "User/" + name;
    }
}
