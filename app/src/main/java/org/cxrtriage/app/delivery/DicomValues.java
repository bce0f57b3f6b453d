package org.cxrtriage.app.delivery;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Makes untrusted strings fit a DICOM Value Representation (PS3.5 6.2): within the VR's maximum
 * length in characters, without control characters, and without the backslash that would split a
 * single value into several. Never throws; an unusable value becomes empty.
 */
final class DicomValues {

    /** Maximum lengths in characters (PS3.5 table 6.2-1). */
    static final int AE = 16;
    static final int CS = 16;
    static final int SH = 16;
    static final int LO = 64;
    static final int PN_GROUP = 64;
    static final int UI = 64;
    static final int ST = 1024;
    static final int LT = 10240;

    private static final Pattern UID = Pattern.compile("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*");
    private static final Pattern AGE = Pattern.compile("[0-9]{3}[DWMY]");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;
    private static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss");

    private DicomValues() {
    }

    /** A single-valued string VR (LO, SH, ST, LT): controls become spaces, backslashes slashes. */
    static String text(String value, int maxLength) {
        return truncate(clean(value, true), maxLength);
    }

    /** Free text (ST, LT, UT) where a backslash is an ordinary character. */
    static String freeText(String value, int maxLength) {
        return truncate(clean(value, false), maxLength);
    }

    /**
     * A Person Name: only the first (alphabetic) component group, at most five components, at most
     * 64 characters, no trailing empty components.
     */
    static String personName(String value) {
        String group = clean(value, true);
        int ideographic = group.indexOf('=');
        if (ideographic >= 0) {
            group = group.substring(0, ideographic);
        }
        String[] parts = group.split("\\^", -1);
        List<String> components = new ArrayList<>();
        for (int i = 0; i < Math.min(parts.length, 5); i++) {
            components.add(parts[i].trim());
        }
        String joined = truncate(String.join("^", components), PN_GROUP);
        return joined.replaceAll("\\^+$", "");
    }

    /** An AE title: at most 16 characters, no backslash or controls, no leading or trailing spaces. */
    static String aeTitle(String value) {
        return truncate(clean(value, true), AE).trim();
    }

    /** Patient's Sex (CS): M, F or O; anything else becomes empty (unknown). */
    static String sex(String value) {
        String sex = clean(value, true).trim().toUpperCase(java.util.Locale.ROOT);
        return sex.equals("M") || sex.equals("F") || sex.equals("O") ? sex : "";
    }

    /** A UID of digits and dots without leading zeros, at most 64 characters; otherwise empty. */
    static String uid(String value) {
        String uid = value == null ? "" : value.trim();
        return uid.length() <= UI && UID.matcher(uid).matches() ? uid : "";
    }

    /** An Age String (nnnD/W/M/Y), or empty. */
    static String age(String value) {
        String age = value == null ? "" : value.trim();
        return AGE.matcher(age).matches() ? age : "";
    }

    /** A Decimal String of at most 16 characters, or empty. */
    static String decimal(String value) {
        String decimal = value == null ? "" : value.trim();
        return decimal.length() <= 16 && DECIMAL.matcher(decimal).matches() ? decimal : "";
    }

    /** A DA value (yyyyMMdd) when {@code value} is one already, otherwise empty. */
    static String date(String value) {
        String date = value == null ? "" : value.trim();
        try {
            LocalDate.parse(date, DA);
            return date;
        } catch (RuntimeException notADate) {
            return "";
        }
    }

    /** A TM value (HHMMSS with optional fraction) when {@code value} is one already, otherwise empty. */
    static String time(String value) {
        String time = value == null ? "" : value.trim();
        return time.matches("([01][0-9]|2[0-3])([0-5][0-9]([0-5][0-9](\\.[0-9]{1,6})?)?)?") ? time : "";
    }

    static String date(LocalDate date) {
        return date.format(DA);
    }

    static String time(LocalTime time) {
        return time.format(TM);
    }

    /**
     * Removes what no DICOM character string may hold: C0 and C1 control characters (ESC too: we
     * write UTF-8, ISO_IR 192, which needs no escape sequences) and, for multi-valued VRs, the
     * backslash value delimiter.
     */
    private static String clean(String value, boolean backslashIsDelimiter) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), 4 * LT));
        value.codePoints().limit(4L * LT).forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(' ');
            } else if (c == '\\' && backslashIsDelimiter) {
                out.append('/');
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString().strip();
    }

    /** At most {@code max} characters (code points, so no surrogate pair is split). */
    private static String truncate(String value, int max) {
        if (value.codePointCount(0, value.length()) <= max) {
            return value;
        }
        return value.substring(0, value.offsetByCodePoints(0, max)).strip();
    }
}
