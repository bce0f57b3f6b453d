package org.cxrtriage.app.delivery;

/**
 * Makes untrusted strings safe for an HL7 v2 component, a JSON string or an e-mail line: control
 * characters become spaces and the length is bounded, so one absurd header can neither break a
 * segment, a header line or a log line nor make a receiver truncate or reject the message. HL7
 * delimiters ({@code | ^ ~ \ &}) are left alone: HAPI's encoder escapes them ({@code \F\ \S\ \R\ \E\ \T\}).
 */
final class SafeText {

    /** Names, identifiers and short codes. */
    static final int SHORT = 64;
    /** Descriptions and code texts. */
    static final int MEDIUM = 199;
    /** The outcome sentence (TX). */
    static final int LONG = 1000;

    private SafeText() {
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
