package org.cxrtriage.dicom.store;

/**
 * Patient ID (0010,0020) and Issuer of Patient ID (0010,0021) of a received data set, trimmed,
 * null when absent or empty. PHI: handed to the catalogue to be hashed, never logged;
 * {@link #toString()} does not show them.
 */
public record PatientIdentifiers(String issuerOfPatientId, String patientId) {

    public PatientIdentifiers {
        issuerOfPatientId = blankToNull(issuerOfPatientId);
        patientId = blankToNull(patientId);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    @Override
    public String toString() {
        return "PatientIdentifiers[redacted]";
    }
}
