package org.cxrtriage.app.triage;

import java.sql.SQLException;

/**
 * What may be said about a failure in a log line, a job's last error, an audit record or a Task:
 * never the message of a database or library exception, which can quote the values (patient names,
 * IDs, descriptions) of the statement or file that failed. Our own exceptions' messages are ours
 * and carry no header values; they are kept, without control characters and bounded.
 */
public final class SafeErrors {

    private static final int MAX = 300;

    private SafeErrors() {
    }

    public static String describe(Throwable error) {
        if (error instanceof SQLException sql) {
            return "database error" + (sql.getSQLState() == null ? "" : " (SQLState " + sql.getSQLState() + ")");
        }
        if (error instanceof VirtualMachineError) {
            return error.getClass().getSimpleName();
        }
        String name = error.getClass().getName();
        if (name.startsWith("org.cxrtriage.") && error.getMessage() != null) {
            String message = error.getMessage().replaceAll("\\p{Cntrl}", " ");
            return error.getClass().getSimpleName() + ": " + (message.length() <= MAX ? message : message.substring(0, MAX) + "…");
        }
        return error.getClass().getSimpleName();
    }
}
