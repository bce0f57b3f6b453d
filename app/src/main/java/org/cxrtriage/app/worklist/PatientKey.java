package org.cxrtriage.app.worklist;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The FHIR Patient id for a DICOM Patient ID: a hash, so that no identifier appears in URLs or logs. */
public final class PatientKey {

    private PatientKey() {
    }

    public static String of(String dicomPatientId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((dicomPatientId == null ? "" : dicomPatientId).getBytes(StandardCharsets.UTF_8));
            return "pat-" + HexFormat.of().formatHex(digest, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
