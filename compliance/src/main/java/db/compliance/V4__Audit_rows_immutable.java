package db.compliance;

import org.cxrtriage.compliance.chain.H2AppendOnlyTrigger;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Makes the audit log append-only for the application: audit_record rows cannot be updated,
 * deleted or truncated, and the audit_head row only advances by one appended record. Only someone
 * who may drop or disable triggers (a DBA) can still tamper, and the hash chain shows it. Also
 * widens audit_record.resources so a FHIR search that returned many resources fits. Java rather
 * than SQL because the triggers differ: plpgsql on PostgreSQL, a Java trigger class on H2.
 */
public class V4__Audit_rows_immutable extends BaseJavaMigration {

    private static final String WIDEN_RESOURCES =
            "ALTER TABLE audit_record ALTER COLUMN resources SET DATA TYPE VARCHAR(65535)";

    // The messages start with H2AppendOnlyTrigger.APPEND_ONLY, as the H2 trigger's do.
    private static final List<String> POSTGRESQL = List.of(WIDEN_RESOURCES, """
            CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the audit log is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
                    USING ERRCODE = 'insufficient_privilege', HINT = 'record a correction as a new audit record';
            END
            $$""", """
            CREATE FUNCTION audit_head_advances() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.sequence = OLD.sequence + 1
                   AND EXISTS (SELECT 1 FROM audit_record r WHERE r.sequence = NEW.sequence AND r.hash = NEW.hash) THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION 'the audit log is append-only: the head may only advance by one appended record (% on audit_head)',
                    TG_OP USING ERRCODE = 'insufficient_privilege';
            END
            $$""",
            """
            CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE ON audit_record
                FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
            """
            CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON audit_record
                FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()""",
            """
            CREATE TRIGGER audit_head_advances BEFORE UPDATE OR DELETE ON audit_head
                FOR EACH ROW EXECUTE FUNCTION audit_head_advances()""",
            """
            CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
                FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()""");

    // H2 fires no trigger on TRUNCATE; a truncated table is caught by the chain verifier against the head.
    private static final List<String> H2 = List.of(WIDEN_RESOURCES,
            "CREATE TRIGGER audit_record_append_only BEFORE UPDATE, DELETE ON audit_record FOR EACH ROW CALL '"
                    + H2AppendOnlyTrigger.class.getName() + "'",
            "CREATE TRIGGER audit_head_advances BEFORE UPDATE, DELETE ON audit_head FOR EACH ROW CALL '"
                    + H2AppendOnlyTrigger.class.getName() + "'");

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        String database = connection.getMetaData().getDatabaseProductName();
        List<String> statements = switch (database) {
            case "PostgreSQL" -> POSTGRESQL;
            case "H2" -> H2;
            default -> throw new SQLException("the audit log supports PostgreSQL and H2, not " + database
                    + "; point TRIAGE_DB_URL at a PostgreSQL database");
        };
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
