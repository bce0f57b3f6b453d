package org.cxrtriage.app.worklist;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The one ordering rule of the worklist ({@link WorklistPriority} states it), as SQL over
 * {@code worklist_item}, for the web list and FHIR's default Task order alike:
 * <ol>
 *   <li>the most urgent priority first;</li>
 *   <li>within a priority, by what the AI could say: a study with a finding positive at its
 *       operating point (critical or not), then a study the AI could not score or whose score did
 *       not count (not scored, unreliable, suspended: it needs a read without AI help), then a
 *       scored study with no positive finding;</li>
 *   <li>then the triage score plus its waiting bonus, computed at query time;</li>
 *   <li>then the oldest; the study UID breaks ties so that pages never overlap.</li>
 * </ol>
 */
public final class WorklistOrder {

    /** Columns qualified with this alias ({@code w.priority_rank}), or with the table name when it is empty. */
    static String byUrgency(String alias) {
        return byUrgency(alias, Instant.now());
    }

    static String byUrgency(String alias, Instant now) {
        String p = (alias.isEmpty() ? "worklist_item" : alias) + ".";
        return p + "priority_rank DESC, " + tier(p) + " DESC, " + agedScore(p, now) + " DESC, " + p + "authored_on ASC, "
                + p + "study_instance_uid ASC";
    }

    /** An explicit sort (FHIR {@code _sort}); empty means {@link #byUrgency}. */
    static String of(List<TaskSearch.SortKey> sort) {
        if (sort.isEmpty()) {
            return byUrgency("");
        }
        List<String> parts = new ArrayList<>();
        for (TaskSearch.SortKey key : sort) {
            String column = switch (key.field()) {
                case PRIORITY -> "priority_rank";
                case TRIAGE_SCORE -> "triage_score";
                case AUTHORED_ON -> "authored_on";
                case MODIFIED -> "last_modified";
            };
            parts.add(column + (key.descending() ? " DESC" : " ASC"));
        }
        parts.add("study_instance_uid ASC");
        return String.join(", ", parts);
    }

    /** 2: a positive finding; 1: the AI's score did not decide (needs a read without AI help); 0: scored, nothing positive. */
    private static String tier(String p) {
        return "CASE WHEN " + p + "business_status <> 'scored' THEN 1"
                + " WHEN EXISTS (SELECT 1 FROM finding_result f WHERE f.result_id = " + p + "current_result_id"
                + " AND f.positive = TRUE) THEN 2 ELSE 0 END";
    }

    /**
     * {@link WorklistPriority#aged} in SQL: the score plus {@code AGEING_PER_HOUR} per hour since the
     * item was authored, at most {@code AGEING_CAP}. {@code now} is written as a number literal
     * (epoch seconds from the clock, never from input) so the rule stays one ORDER BY clause.
     */
    private static String agedScore(String p, Instant now) {
        String nowSeconds = BigDecimal.valueOf(now.toEpochMilli(), 3).toPlainString();
        return "(" + p + "triage_score + LEAST(" + WorklistPriority.AGEING_CAP + ", GREATEST(0, " + nowSeconds
                + " - EXTRACT(EPOCH FROM " + p + "authored_on)) * " + WorklistPriority.AGEING_PER_HOUR + " / 3600))";
    }

    private WorklistOrder() {
    }
}
