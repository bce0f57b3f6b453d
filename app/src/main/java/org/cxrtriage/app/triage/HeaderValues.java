package org.cxrtriage.app.triage;

/**
 * DICOM header values as they may be stored and shown: within their VR's maximum length (PS3.5
 * 6.2: LO 64, SH 16, CS 16, PN 64 per component group) and without control characters. Modalities
 * send values ten times too long and with escape sequences and line breaks; such a value is cut,
 * never allowed to make a study's record fail (which would keep the study off the worklist).
 */
public final class HeaderValues {

    public static final int LO = 64;
    public static final int SH = 16;
    public static final int CS = 16;
    public static final int PN_GROUP = 64;

    private HeaderValues() {
    }

    /** The value without control characters, cut to {@code max} characters; null stays null. */
    public static String bound(String value, int max) {
        if (value == null) {
            return null;
        }
        String clean = value.replaceAll("[\\p{Cntrl}\\x{80}-\\x{9F}]", " ").strip();
        return clean.length() <= max ? clean : clean.substring(0, max).strip();
    }

    /** A person name: at most three component groups (alphabetic, ideographic, phonetic) of 64 characters each. */
    public static String personName(String value) {
        if (value == null) {
            return null;
        }
        String[] groups = value.split("=", -1);
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < Math.min(3, groups.length); i++) {
            if (i > 0) {
                name.append('=');
            }
            name.append(bound(groups[i], PN_GROUP));
        }
        return name.toString().replaceAll("=+$", "");
    }

    /** An age in years that a patient can have; anything else is unknown. */
    public static Integer plausibleAge(Integer years) {
        return years == null || years < 0 || years > 150 ? null : years;
    }
}
