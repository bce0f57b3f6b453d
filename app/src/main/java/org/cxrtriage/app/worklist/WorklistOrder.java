package org.cxrtriage.app.worklist;

import java.util.ArrayList;
import java.util.List;

/**
 * The one ordering rule of the worklist, as SQL over {@code worklist_item}: the most urgent
 * priority first, then the highest triage score with its waiting bonus ({@link WorklistPriority}),
 * then the oldest; the study UID breaks ties so that pages never overlap.
 */
public final class WorklistOrder {

    /** Columns qualified with this alias: {@code w.priority_rank}. */
    static String byUrgency(String alias) {
        String p = alias.isEmpty() ? "" : alias + ".";
        return p + "priority_rank DESC, " + p + "aged_score DESC, " + p + "authored_on ASC, " + p + "study_instance_uid ASC";
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

    private WorklistOrder() {
    }
}
