package org.cxrtriage.app.monitoring;

import java.util.Optional;

/**
 * What this node knows of the shared monitoring status: the status row and the evaluation it holds,
 * read from the database at most one poll interval ago.
 */
public record MonitorView(MonitorState.Row row, Optional<Evaluation> evaluation) {

    public MonitorStatus status() {
        return row.status();
    }

    /** The suspension's reason while AI triage is suspended. */
    public Optional<String> suspension() {
        return row.suspended() ? Optional.of(row.suspensionReason()) : Optional.empty();
    }
}
