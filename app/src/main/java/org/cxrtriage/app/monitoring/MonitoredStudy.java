package org.cxrtriage.app.monitoring;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * A study's current active-model result as monitoring sees it: what the image and header were like
 * (the facts the drift tests compare), what the model said, and the coarse labels subgroups are
 * made of. No names, identifiers or dates of birth.
 *
 * @param id          the triage_result row
 * @param studyUid    kept only to drop a result once a later one supersedes it; never shown
 * @param scored      false for "not scored" (then {@code reasonClass} says why)
 * @param reasonClass the not-scored reason without its particulars, e.g. "lateral view only", "error"
 * @param reliable    the verdict; null when not scored
 * @param numeric     the monitored numeric facts ({@link DriftEvaluator#NUMERIC_KEYS})
 * @param categorical the header facts ({@code header.*})
 * @param findings    per finding key, its calibrated probability and whether it is positive
 */
public record MonitoredStudy(long id, String studyUid, Instant createdAt, boolean scored, String reasonClass, Boolean reliable,
                             String modelId, String modelVersion, String callingAe, Integer ageYears, String sex,
                             Map<String, Double> numeric, Map<String, String> categorical, Map<String, Finding> findings) {

    /** One finding's output. */
    public record Finding(double probability, boolean positive) {
    }

    public MonitoredStudy {
        numeric = Map.copyOf(numeric);
        categorical = Map.copyOf(categorical);
        findings = Map.copyOf(findings);
    }

    /** Whether this is a scored result of that model version. */
    public boolean scoredBy(String model, String version) {
        return scored && model.equals(modelId) && version.equals(modelVersion);
    }

    /** The not-scored reason without its particulars: the first reason, cut before any "(" or ":". */
    public static String reasonClass(String reason) {
        if (reason == null || reason.isBlank()) {
            return "unknown";
        }
        String first = reason.split(";", 2)[0];
        int cut = first.length();
        for (char c : new char[] {'(', ':'}) {
            int at = first.indexOf(c);
            if (at >= 0) {
                cut = Math.min(cut, at);
            }
        }
        String text = first.substring(0, cut).strip().toLowerCase(Locale.ROOT);
        if (text.startsWith("not scored")) {
            text = text.substring("not scored".length()).strip();
        }
        return text.isEmpty() ? "unknown" : text.length() > 60 ? text.substring(0, 60) : text;
    }
}
