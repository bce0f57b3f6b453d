package org.cxrtriage.compliance.chain;

/**
 * Makes any string safe to store in an audit field and to read back unchanged: control
 * characters (C0, DEL, C1) become backslash-u (&#92;uXXXX) escapes, an unpaired surrogate (which UTF-8
 * cannot carry, so it would not read back as written) becomes U+FFFD, and a value longer than
 * the field is cut with a marker saying how much was cut. Applied before hashing, so the record
 * as stored is exactly the record as hashed, whatever a caller passes.
 */
final class AuditText {

    private AuditText() {
    }

    /** Null stays null; otherwise at most {@code max} characters, without control characters. */
    static String clean(String value, int max) {
        if (value == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max) + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                out.append(c).append(value.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return truncate(out.toString(), max);
    }

    /** Cuts {@code text} to at most {@code max} characters, ending with "…[+N]" when it was cut. */
    static String truncate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        for (int cut = max - 1; cut >= 0; cut--) {
            String marker = "…[+" + (text.length() - cut) + "]";
            if (cut + marker.length() <= max && !(cut > 0 && Character.isHighSurrogate(text.charAt(cut - 1)))) {
                return text.substring(0, cut) + marker;
            }
        }
        return text.substring(0, max);
    }
}
