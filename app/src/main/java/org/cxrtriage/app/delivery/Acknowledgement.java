package org.cxrtriage.app.delivery;

/**
 * What a receiver said about one HL7 message, read from its ACK's MSA and ERR segments.
 * Parsed by hand rather than with HAPI: an acknowledgement from any version or any dialect
 * must still be understood, and a broken one must still be reported.
 *
 * @param code      MSA-1: AA/CA accept, AE/CE error, AR/CR reject; empty when the ACK had no MSA
 * @param controlId MSA-2, the control ID of the message it acknowledges
 * @param text      MSA-3 and ERR-8 (user message) or ERR-3 (error code), as the receiver wrote them
 */
record Acknowledgement(String code, String controlId, String text, String raw) {

    boolean accepted() {
        return code.equals("AA") || code.equals("CA");
    }

    /**
     * AR/CR ("rejected": the receiver could not process it for reasons unrelated to its content,
     * such as being down) and an unreadable ACK are worth a retry; AE/CE ("error") say the content
     * is wrong and will be refused again.
     */
    boolean retryable() {
        return !(code.equals("AE") || code.equals("CE"));
    }

    String describe() {
        String what = code.isEmpty() ? "an acknowledgement without MSA" : code;
        return text.isBlank() ? what : what + ": " + text;
    }

    static Acknowledgement parse(String raw) {
        String[] segments = raw.split("[\r\n]+");
        char separator = '|';
        String code = "";
        String controlId = "";
        StringBuilder text = new StringBuilder();
        for (String segment : segments) {
            if (segment.startsWith("MSH") && segment.length() > 3) {
                separator = segment.charAt(3);
            }
        }
        for (String segment : segments) {
            String[] fields = segment.split(java.util.regex.Pattern.quote(String.valueOf(separator)), -1);
            if (fields[0].equals("MSA")) {
                code = field(fields, 1).trim().toUpperCase(java.util.Locale.ROOT);
                controlId = field(fields, 2).trim();
                append(text, field(fields, 3));
            } else if (fields[0].equals("ERR")) {
                append(text, field(fields, 8));
                append(text, field(fields, 3));
            }
        }
        return new Acknowledgement(code, controlId, SafeText.clean(text.toString(), SafeText.LONG), raw);
    }

    private static String field(String[] fields, int index) {
        return index < fields.length ? fields[index] : "";
    }

    private static void append(StringBuilder text, String value) {
        String clean = value.replace('^', ' ').strip();
        if (!clean.isEmpty()) {
            if (text.length() > 0) {
                text.append("; ");
            }
            text.append(clean);
        }
    }
}
