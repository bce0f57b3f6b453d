package org.cxrtriage.app.worklist;

import org.cxrtriage.app.db.Sql;
import org.cxrtriage.app.support.Database;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The ordering rule ({@link WorklistOrder}) on both databases: within a priority a positive finding
 * (critical or not) comes first, then what the AI could not score, then the rest by score plus
 * waiting bonus; an old routine study overtakes a newer one of equal score. The web list
 * ({@link WorklistQueries#entries()}) and FHIR's default Task order ({@link WorklistQueries#tasks}) agree.
 */
class WorklistOrderTest {

    private Sql sql;

    @ParameterizedTest
    @EnumSource(Database.class)
    void oneRuleOrdersTheWebListAndFhirsTasks(Database database) throws Exception {
        sql = new Sql(migrated(database));
        Instant now = Instant.now();
        insert("stat-old-normal", "stat", "scored", 0.05, now.minus(Duration.ofMinutes(30)), false);
        insert("routine-negative-high", "routine", "scored", 0.20, now.minus(Duration.ofMinutes(5)), false);
        insert("routine-not-scored", "routine", "not-scored", 0.0, now.minus(Duration.ofMinutes(1)), false);
        insert("routine-nodule", "routine", "scored", 0.02, now, true);
        insert("routine-negative-new", "routine", "scored", 0.10, now, false);
        insert("routine-negative-old", "routine", "scored", 0.10, now.minus(Duration.ofHours(3)), false);
        insert("urgent-effusion", "urgent", "scored", 0.40, now, true);
        insert("routine-unreliable", "routine", "unreliable", 0.0, now.minus(Duration.ofMinutes(2)), false);

        List<String> expected = List.of("stat-old-normal", "urgent-effusion",
                "routine-nodule",
                "routine-unreliable", "routine-not-scored",
                "routine-negative-old", "routine-negative-high", "routine-negative-new");
        WorklistQueries queries = new WorklistQueries(sql);
        assertEquals(expected, queries.entries().stream().map(e -> e.task().studyUid()).toList());
        assertEquals(expected, queries.tasks(TaskSearch.all()).stream().map(TaskRow::studyUid).toList());
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void anOldRoutineStudyMovesAboveANewerOneOfEqualScore(Database database) throws Exception {
        sql = new Sql(migrated(database));
        Instant now = Instant.now();
        insert("newer", "routine", "scored", 0.30, now.minus(Duration.ofMinutes(10)), false);
        insert("older", "routine", "scored", 0.30, now.minus(Duration.ofHours(3)), false);
        insert("higher-score", "routine", "scored", 0.40, now, false);
        WorklistQueries queries = new WorklistQueries(sql);
        // older: 0.30 + 3 h x 0.05 = 0.45 overtakes 0.40; newer: 0.30 + 0.008
        assertEquals(List.of("older", "higher-score", "newer"),
                queries.entries().stream().map(e -> e.task().studyUid()).toList());
        assertEquals(0.45, WorklistPriority.aged(0.30, Duration.ofHours(3)), 1e-9, "the Java statement of the same rule");
        assertEquals(List.of("older", "higher-score", "newer"),
                sql.query("SELECT study_instance_uid FROM worklist_item ORDER BY "
                        + WorklistOrder.byUrgency("", now.plusSeconds(1)), row -> row.getString(1)));
    }

    private void insert(String uid, String priority, String businessStatus, double score, Instant authored, boolean positive)
            throws SQLException {
        OffsetDateTime at = authored.atOffset(ZoneOffset.UTC);
        sql.update("INSERT INTO study (study_instance_uid, status, instance_count, first_received_at, last_received_at)"
                + " VALUES (?, 'READY', 1, ?, ?)", uid, at, at);
        long result = sql.inTransaction(connection -> {
            long id = Sql.insert(connection, """
                    INSERT INTO triage_result (study_instance_uid, study_revision, status, shadow, triage_score, critical, created_at)
                    VALUES (?, 1, 'SCORED', FALSE, ?, FALSE, ?)""", uid, score, at);
            Sql.update(connection, """
                    INSERT INTO finding_result (result_id, finding_key, display, code_system, code, raw_output, probability,
                           threshold, positive, critical, severity_weight, calibration_version)
                    VALUES (?, 'nodule_mass', 'Nodule or mass', 'urn:test', 'n', 0, ?, 0.2, ?, FALSE, 0.4, 'cal')""",
                    id, positive ? 0.5 : 0.1, positive);
            return id;
        });
        int rank = Map.of("routine", 0, "urgent", 1, "asap", 2, "stat", 3).get(priority);
        sql.update("""
                INSERT INTO worklist_item (study_instance_uid, status, priority, priority_rank, triage_score, aged_score,
                       critical, business_status, current_result_id, authored_on, last_modified)
                VALUES (?, 'ready', ?, ?, ?, ?, FALSE, ?, ?, ?, ?)""", uid, priority, rank, score, score, businessStatus,
                result, at, at);
    }

    private static DataSource migrated(Database database) throws SQLException {
        DataSource dataSource;
        if (database == Database.H2) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:order-" + UUID.randomUUID()
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
            h2.setUser("sa");
            dataSource = h2;
        } else {
            String url = database.freshDatabase(java.nio.file.Path.of("unused")).get("datasources.default.url").toString();
            PGSimpleDataSource postgres = new PGSimpleDataSource();
            postgres.setURL(url);
            postgres.setUser("postgres");
            postgres.setPassword("postgres");
            dataSource = postgres;
        }
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        return dataSource;
    }
}
