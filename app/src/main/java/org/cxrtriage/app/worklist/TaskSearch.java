package org.cxrtriage.app.worklist;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a client asks of the worklist, typed: which items and in what order. Adapters (FHIR, web)
 * translate their parameters into this; {@link WorklistQueries} turns it into SQL.
 *
 * @param statuses     Task.status values, any of them (empty: all)
 * @param priorities   Task.priority codes, any of them (empty: all)
 * @param owner        the user who holds the item
 * @param studyUid     the ImagingStudy in focus
 * @param score        a bound on the triage score
 * @param modifiedFrom inclusive lower bound of the last change
 * @param modifiedTo   inclusive upper bound of the last change
 * @param sort         sort keys in order; empty means the worklist's own order ({@link WorklistOrder})
 * @param ids              Task ids (Study Instance UIDs), any of them (empty: all)
 * @param businessStatuses {@link BusinessStatus} codes, any of them (empty: all)
 * @param patientKey       the Patient (its key) whose studies' items are wanted
 */
public record TaskSearch(List<String> statuses, List<String> priorities, Optional<String> owner, Optional<String> studyUid,
                         Optional<ScoreBound> score, Optional<Instant> modifiedFrom, Optional<Instant> modifiedTo,
                         List<SortKey> sort, List<String> ids, List<String> businessStatuses, Optional<String> patientKey) {

    public enum Comparison {
        EQ("="), GT(">"), GE(">="), LT("<"), LE("<=");

        final String sql;

        Comparison(String sql) {
            this.sql = sql;
        }
    }

    /** The triage score compared with {@code value}, which must be finite. */
    public record ScoreBound(Comparison comparison, double value) {
        public ScoreBound {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("a triage score bound must be a finite number");
            }
        }
    }

    public enum SortField { PRIORITY, TRIAGE_SCORE, AUTHORED_ON, MODIFIED }

    public record SortKey(SortField field, boolean descending) {
    }

    public TaskSearch {
        statuses = List.copyOf(statuses);
        priorities = List.copyOf(priorities);
        sort = List.copyOf(sort);
        ids = List.copyOf(ids);
        businessStatuses = List.copyOf(businessStatuses);
    }

    /** Every item, in the worklist's order. */
    public static TaskSearch all() {
        return new TaskSearch(List.of(), List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), List.of(), List.of(), Optional.empty());
    }
}
