package org.cxrtriage.app.monitoring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The window's studies and the period's feedback broken down by manufacturer, sex, age band, view
 * and calling AE title, with the counts. Labels are coarse on purpose: no subgroup names a patient.
 */
public final class Subgroups {

    static final String UNKNOWN = "(unknown)";

    /**
     * @param studies    scored studies in the window
     * @param unreliable of which the verdict refused
     * @param positive   of which at least one finding was positive
     * @param agreement  latest feedback per finding in the feedback period: agreed of given
     */
    public record Row(String dimension, String group, long studies, long unreliable, long positive, Proportion agreement) {
    }

    private record Dimension(String name, Function<MonitoredStudy, String> study, Function<FeedbackRow, String> feedback) {
    }

    private static final List<Dimension> DIMENSIONS = List.of(
            new Dimension("manufacturer", s -> label(s.categorical().get("header.manufacturer")), f -> label(f.manufacturer())),
            new Dimension("sex", s -> sex(s.sex()), f -> sex(f.sex())),
            new Dimension("age band", s -> ageBand(s.ageYears()), f -> ageBand(f.ageYears())),
            new Dimension("view", s -> label(s.categorical().get("header.viewPosition")), f -> label(f.view())),
            new Dimension("calling AE title", s -> label(s.callingAe()), f -> label(f.callingAe())));

    private Subgroups() {
    }

    public static List<Row> of(List<MonitoredStudy> scored, List<FeedbackRow> feedback) {
        List<Row> rows = new ArrayList<>();
        for (Dimension dimension : DIMENSIONS) {
            Map<String, long[]> studies = new TreeMap<>();
            for (MonitoredStudy study : scored) {
                long[] c = studies.computeIfAbsent(dimension.study().apply(study), k -> new long[3]);
                c[0]++;
                c[1] += Boolean.FALSE.equals(study.reliable()) ? 1 : 0;
                c[2] += study.findings().values().stream().anyMatch(MonitoredStudy.Finding::positive) ? 1 : 0;
            }
            Map<String, long[]> agreed = new LinkedHashMap<>();
            for (FeedbackRow row : feedback) {
                long[] c = agreed.computeIfAbsent(dimension.feedback().apply(row), k -> new long[2]);
                c[0] += row.agree() ? 1 : 0;
                c[1]++;
            }
            TreeMap<String, Boolean> groups = new TreeMap<>();
            studies.keySet().forEach(g -> groups.put(g, true));
            agreed.keySet().forEach(g -> groups.put(g, true));
            for (String group : groups.keySet()) {
                long[] s = studies.getOrDefault(group, new long[3]);
                long[] a = agreed.getOrDefault(group, new long[2]);
                rows.add(new Row(dimension.name(), group, s[0], s[1], s[2], Proportion.of(a[0], a[1])));
            }
        }
        return rows;
    }

    static String ageBand(Integer age) {
        if (age == null) {
            return UNKNOWN;
        }
        if (age < 18) {
            return "under 18";
        }
        if (age >= 80) {
            return "80 and over";
        }
        int low = age < 40 ? 18 : age / 20 * 20;
        return low + "-" + (low == 18 ? 39 : low + 19);
    }

    static String sex(String sex) {
        return sex == null || sex.isBlank() ? UNKNOWN : switch (sex.strip().toUpperCase(java.util.Locale.ROOT)) {
            case "M" -> "male";
            case "F" -> "female";
            case "O" -> "other";
            default -> UNKNOWN;
        };
    }

    private static String label(String value) {
        if (value == null || value.isBlank()) {
            return UNKNOWN;
        }
        String text = value.strip();
        return text.length() > 64 ? text.substring(0, 64) : text;
    }
}
