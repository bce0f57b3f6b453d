package org.cxrtriage.compliance.chain;

import org.h2.api.Trigger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Keeps the audit tables append-only on H2, as the plpgsql triggers of migration V4 do on
 * PostgreSQL: no record is updated or deleted, and the head row only ever advances by one, to a
 * record that exists with that hash. Installed as a BEFORE UPDATE, DELETE row trigger on
 * audit_record and audit_head. H2 keeps this class's name in the schema: do not move or rename it.
 */
public final class H2AppendOnlyTrigger implements Trigger {

    /** Text every refusal starts with, on both databases. */
    public static final String APPEND_ONLY = "the audit log is append-only";

    private String table;
    private int idColumn = -1;
    private int sequenceColumn = -1;
    private int hashColumn = -1;

    @Override
    public void init(Connection connection, String schema, String trigger, String table, boolean before, int type)
            throws SQLException {
        this.table = table.toLowerCase(Locale.ROOT);
        try (ResultSet columns = connection.getMetaData().getColumns(null, schema, table, null)) {
            while (columns.next()) {
                int index = columns.getInt("ORDINAL_POSITION") - 1;
                switch (columns.getString("COLUMN_NAME").toLowerCase(Locale.ROOT)) {
                    case "id" -> idColumn = index;
                    case "sequence" -> sequenceColumn = index;
                    case "hash" -> hashColumn = index;
                    default -> { }
                }
            }
        }
    }

    /** {@code newRow} is null for a DELETE. */
    @Override
    public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
        String operation = newRow == null ? "DELETE" : "UPDATE";
        if (table.equals("audit_head")) {
            if (newRow != null && advancesByOneRecord(connection, oldRow, newRow)) {
                return;
            }
            throw new SQLException(APPEND_ONLY + ": the head may only advance by one appended record (" + operation
                    + " on audit_head)", "42501");
        }
        throw new SQLException(APPEND_ONLY + ": " + operation + " on " + table
                + " is not allowed; record a correction as a new audit record", "42501");
    }

    private boolean advancesByOneRecord(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
        long before = ((Number) oldRow[sequenceColumn]).longValue();
        long after = ((Number) newRow[sequenceColumn]).longValue();
        if (!oldRow[idColumn].equals(newRow[idColumn]) || after != before + 1) {
            return false;
        }
        try (PreparedStatement record = connection.prepareStatement(
                "SELECT 1 FROM audit_record WHERE sequence = ? AND hash = ?")) {
            record.setLong(1, after);
            record.setString(2, String.valueOf(newRow[hashColumn]));
            try (ResultSet row = record.executeQuery()) {
                return row.next();
            }
        }
    }
}
