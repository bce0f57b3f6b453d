package org.cxrtriage.dicom;

/**
 * Makes text that came off the wire (AE titles, UIDs, error messages of parsers) safe to put in a
 * log line: control characters and anything outside printable ASCII become {@code \}{@code uXXXX}
 * escapes, so a peer cannot forge log lines or hide text, and the result is at most
 * {@value #MAX_LENGTH} characters (longer text is cut and ends in "…"). Never pass patient names,
 * patient IDs, accession numbers or descriptions here for INFO/WARN/ERROR lines: escaping does
 * not make PHI loggable.
 */
public final class LogSafe {

    public static final int MAX_LENGTH = 200;

    private LogSafe() {
    }

    /** The escaped, bounded text; "null" for null. */
    public static String text(String raw) {
        if (raw == null) {
            return "null";
        }
        StringBuilder safe = new StringBuilder(Math.min(raw.length(), MAX_LENGTH) + 8);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            String piece = c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04X", (int) c);
            if (safe.length() + piece.length() > MAX_LENGTH - 1) {
                return safe.append('…').toString();
            }
            safe.append(piece);
        }
        return safe.toString();
    }
}
