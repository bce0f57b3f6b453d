package org.cxrtriage.app.worklist;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * One line of the worklist: the item, its study, the findings of the result that decided it, and
 * its reading times.
 */
public record WorklistEntry(TaskRow task, StudyRow study, List<FindingRow> findings, Reading reading) {

    /**
     * When the study was first looked at, when its current reader claimed it (its reader is the
     * Task owner while in progress) and when it was reviewed; null when not (yet).
     */
    public record Reading(OffsetDateTime firstOpened, OffsetDateTime claimed, OffsetDateTime reviewed) {
    }
}
