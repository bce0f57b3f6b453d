package org.cxrtriage.app.delivery;

import java.util.Locale;
import java.util.Map;

/**
 * Names one coding system in each standard we write: a finding's FHIR-style system URI becomes a
 * DICOM Coding Scheme Designator (PS3.16 section 8) and an HL7 v2 coding system name (table 0396).
 * A system neither standard names is written as our local scheme {@value #LOCAL_DICOM} /
 * {@value #LOCAL_HL7}.
 */
final class CodeSystems {

    static final String LOCAL_DICOM = "99CXR";
    static final String LOCAL_HL7 = "99CXR";
    /** Described in the SR's Coding Scheme Identification Sequence. */
    static final String LOCAL_NAME = "cxr-triage local codes";

    private static final Map<String, String[]> KNOWN = Map.of(
            "http://snomed.info/sct", new String[] {"SCT", "SCT"},
            "http://loinc.org", new String[] {"LN", "LN"},
            "http://www.radlex.org", new String[] {"RADLEX", "RADLEX"},
            "http://radlex.org", new String[] {"RADLEX", "RADLEX"},
            "http://dicom.nema.org/resources/ontology/dcm", new String[] {"DCM", "DCM"},
            "http://unitsofmeasure.org", new String[] {"UCUM", "UCUM"});

    private CodeSystems() {
    }

    static String dicom(String system) {
        String[] names = KNOWN.get(normalise(system));
        return names == null ? LOCAL_DICOM : names[0];
    }

    static String hl7(String system) {
        String[] names = KNOWN.get(normalise(system));
        return names == null ? LOCAL_HL7 : names[1];
    }

    static boolean isLocal(String system) {
        return !KNOWN.containsKey(normalise(system));
    }

    private static String normalise(String system) {
        String uri = system == null ? "" : system.trim().toLowerCase(Locale.ROOT);
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
}
