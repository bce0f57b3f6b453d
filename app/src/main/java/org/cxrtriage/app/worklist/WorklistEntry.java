package org.cxrtriage.app.worklist;

import java.util.List;

/** One line of the worklist: the item, its study and the findings of the result that decided it. */
public record WorklistEntry(TaskRow task, StudyRow study, List<FindingRow> findings) {
}
