package org.cxrtriage.app.delivery;

/**
 * Makes untrusted strings safe for one HL7 v2 component. HAPI's encoder escapes the delimiters
 * ({@code | ^ ~ \ &} become {@code \F\ \S\ \R\ \E\ \T\}); what it would pass through and what a
 * receiver would take for a segment break are control characters, so those become spaces here.
 * Lengths are bounded so one absurd header cannot make a message receivers truncate or reject.
 */
final class Hl7Text {

    /** Names, identifiers and short codes. */
    static final int SHORT = 64;
    /** Descriptions and code texts. */
    static final int MEDIUM = 199;
    /** The outcome sentence (TX). */
    static final int LONG = 1000;

    private Hl7Text() {
    }

    static String clean(String value, int maxLength) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), maxLength));
        value.codePoints().limit(4L * maxLength).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        String clean = out.toString().strip();
        if (clean.codePointCount(0, clean.length()) > maxLength) {
            clean = clean.substring(0, clean.offsetByCodePoints(0, maxLength)).strip();
        }
        return clean;
    }
}
