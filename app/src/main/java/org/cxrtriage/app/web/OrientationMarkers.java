package org.cxrtriage.app.web;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The patient directions to write at an image's edges, from Patient Orientation (0020,0020;
 * PS3.3 C.7.6.1.1.1): its first value is the direction of the rows (towards the right edge), its
 * second the direction of the columns (towards the bottom edge), each made of L/R, A/P and H/F
 * (or the quadruped terms, which are not shown). A PA chest "L\F" reads R on the left, L on the
 * right, H at the top and F at the bottom.
 */
final class OrientationMarkers {

    private static final Pattern DIRECTION = Pattern.compile("[LRAPHF]{1,3}");

    private OrientationMarkers() {
    }

    /** Markers for "left", "right", "top", "bottom"; empty when the value is absent or not understood. */
    static Map<String, String> of(String patientOrientation) {
        String[] values = patientOrientation == null ? new String[0] : patientOrientation.trim().split("\\\\");
        if (values.length != 2 || !DIRECTION.matcher(values[0].trim()).matches()
                || !DIRECTION.matcher(values[1].trim()).matches()) {
            return Map.of();
        }
        String rows = values[0].trim();
        String columns = values[1].trim();
        return Map.of("left", opposite(rows), "right", rows, "top", opposite(columns), "bottom", columns);
    }

    private static String opposite(String direction) {
        StringBuilder out = new StringBuilder();
        for (char c : direction.toCharArray()) {
            out.append(switch (c) {
                case 'L' -> 'R';
                case 'R' -> 'L';
                case 'A' -> 'P';
                case 'P' -> 'A';
                case 'H' -> 'F';
                default -> 'H';
            });
        }
        return out.toString();
    }
}
