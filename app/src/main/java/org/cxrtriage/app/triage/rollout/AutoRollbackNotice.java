package org.cxrtriage.app.triage.rollout;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Told of an automatic rollback inside its transaction, so that what it writes (the administrators'
 * notification) commits together with the change of state, or not at all.
 */
@FunctionalInterface
public interface AutoRollbackNotice {

    /** For the command-line tools, which never roll back by themselves. */
    AutoRollbackNotice NONE = (connection, version, reason, at) -> {
    };

    /** @param version the version as it is now (back in shadow) */
    void rolledBack(Connection connection, ModelVersion version, String reason, Instant at) throws SQLException;
}
