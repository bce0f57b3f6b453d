package org.cxrtriage.app.worklist;

import java.util.ArrayList;
import java.util.List;

/**
 * A DICOM person name (PS3.5 6.2, VR PN): up to three component groups separated by '='
 * (alphabetic, ideographic, phonetic), each of five components separated by '^' (family, given,
 * middle, prefix, suffix). {@code Yamada^Tarou=山田^太郎=やまだ^たろう} is one person written three ways.
 */
public record PersonName(List<Group> groups) {

    /** How a group is written. */
    public enum Representation { ALPHABETIC, IDEOGRAPHIC, PHONETIC }

    /** One component group; absent components are empty strings. */
    public record Group(Representation representation, String family, String given, String middle, String prefix,
                        String suffix) {
        public boolean isEmpty() {
            return (family + given + middle + prefix + suffix).isBlank();
        }
    }

    public PersonName {
        groups = List.copyOf(groups);
    }

    /** Parses a PN value; null or blank gives a name without groups. */
    public static PersonName parse(String value) {
        List<Group> groups = new ArrayList<>();
        if (value != null && !value.isBlank()) {
            String[] written = value.split("=", -1);
            for (int g = 0; g < Math.min(3, written.length); g++) {
                String[] parts = written[g].split("\\^", -1);
                Group group = new Group(Representation.values()[g], part(parts, 0), part(parts, 1), part(parts, 2),
                        part(parts, 3), part(parts, 4));
                if (!group.isEmpty()) {
                    groups.add(group);
                }
            }
        }
        return new PersonName(groups);
    }

    /** "Family, Given Middle" of the first group written, or "" when there is none. */
    public String display() {
        if (groups.isEmpty()) {
            return "";
        }
        Group first = groups.get(0);
        String given = (first.given() + " " + first.middle()).strip();
        return given.isEmpty() ? first.family() : first.family().isEmpty() ? given : first.family() + ", " + given;
    }

    private static String part(String[] parts, int index) {
        return index < parts.length ? parts[index].strip() : "";
    }
}
