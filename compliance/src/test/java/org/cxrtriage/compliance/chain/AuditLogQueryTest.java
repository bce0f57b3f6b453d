package org.cxrtriage.compliance.chain;

import org.cxrtriage.compliance.support.Database;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Reading the log back by time range, by study and by agent and entity, with the same SQL on H2
 * and PostgreSQL. Record n is recorded at T0 + n minutes.
 */
class AuditLogQueryTest {

    private static final Instant T0 = Instant.parse("2026-11-23T08:00:00Z");
    private static final String STUDY_A = "1.2.826.0.1.3680043.8.498.1";
    private static final String STUDY_B = "1.2.826.0.1.3680043.8.498.10";

    private static Instant minute(int n) {
        return T0.plus(Duration.ofMinutes(n));
    }

    /**
     * 1 dicom.store A (PACS) · 2 triage.scored A · 3 study.view A (dr.grey) · 4 dicom.store B (PACS) ·
     * 5 study.view B (dr.grey) · 6 fhir.search, no study, Task/A and Task/B (dr.grey) ·
     * 7 finding.feedback, no study, ImagingStudy/A (dr.house) · 8 task.update A (dr.house)
     */
    private static AuditLog eightRecords(Database database) throws SQLException {
        AuditLog log = new AuditLog(database.fresh());
        String[][] rows = {
                {"AE", "PACS", "dicom.store", STUDY_A, ""},
                {"SYSTEM", "cxr-triage", "triage.scored", STUDY_A, "Task/" + STUDY_A},
                {"USER", "dr.grey", "study.view", STUDY_A, "ImagingStudy/" + STUDY_A},
                {"AE", "PACS", "dicom.store", STUDY_B, ""},
                {"USER", "dr.grey", "study.view", STUDY_B, "ImagingStudy/" + STUDY_B},
                {"USER", "dr.grey", "fhir.search", null, "Task/" + STUDY_A + ";Task/" + STUDY_B},
                {"USER", "dr.house", "finding.feedback", null, "ImagingStudy/" + STUDY_A + ";Observation/f3"},
                {"USER", "dr.house", "task.update", STUDY_A, "Task/" + STUDY_A},
        };
        for (int i = 0; i < rows.length; i++) {
            String[] row = rows[i];
            List<String> resources = row[4].isEmpty() ? List.of() : List.of(row[4].split(";"));
            log.append(new AuditEntry(minute(i + 1), row[0], row[1], row[2], row[3], resources, "SUCCESS", null, null));
        }
        return log;
    }

    private static List<Long> sequences(List<AuditRecord> records) {
        return records.stream().map(AuditRecord::sequence).toList();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aTimeRangeIncludesItsStartAndExcludesItsEnd(Database database) throws Exception {
        AuditLog log = eightRecords(database);
        AuditQuery range = AuditQuery.between(minute(3), minute(7));
        List<AuditRecord> streamed = new ArrayList<>();
        log.stream(range, streamed::add);

        assertEquals(List.of(3L, 4L, 5L, 6L), sequences(streamed));
        assertEquals(4, log.count(range));
        assertEquals(List.of(3L, 4L), sequences(search(log, range.through(4))));
        assertEquals(0, log.count(AuditQuery.between(minute(9), minute(20))));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aStudyTimelineHoldsEveryRecordAboutTheStudy(Database database) throws Exception {
        AuditLog log = eightRecords(database);
        assertEquals(List.of(1L, 2L, 3L, 7L, 8L), sequences(log.study(STUDY_A)));
        assertEquals(List.of(4L, 5L), sequences(log.study(STUDY_B)));
        assertEquals(List.of(), log.study("1.2.826.0.1.3680043.8.498"));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void anEntityMatchesAWholeResourceNotAPrefix(Database database) throws Exception {
        AuditLog log = eightRecords(database);
        assertEquals(List.of(2L, 6L, 8L), sequences(search(log, AuditQuery.all().withEntity("Task/" + STUDY_A))));
        assertEquals(List.of(6L), sequences(search(log, AuditQuery.all().withEntity("Task/" + STUDY_B))));
        assertEquals(List.of(7L), sequences(search(log, AuditQuery.all().withEntity("Observation/f3"))));
        assertEquals(List.of(), search(log, AuditQuery.all().withEntity("Observation/f")));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void searchByAgentAndEntityPagesWithAMatchingCount(Database database) throws Exception {
        AuditLog log = eightRecords(database);
        AuditQuery grey = AuditQuery.all().withActor("dr.grey");
        assertEquals(3, log.count(grey));
        assertEquals(List.of(3L, 5L), sequences(log.search(grey, 0, 2)));
        assertEquals(List.of(6L), sequences(log.search(grey, 2, 2)));
        assertEquals(List.of(), log.search(grey, 4, 2));

        AuditQuery greyOnStudyA = grey.withEntity(STUDY_A);
        assertEquals(List.of(3L), sequences(search(log, greyOnStudyA)));
        assertEquals(1, log.count(greyOnStudyA));
        assertEquals(List.of(7L, 8L), sequences(search(log, AuditQuery.all().withActor("dr.house")
                .withEntity("ImagingStudy/" + STUDY_A))));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aRecordIsReadBySequence(Database database) throws Exception {
        AuditLog log = eightRecords(database);
        assertEquals(Optional.of("finding.feedback"), log.read(7).map(record -> record.entry().action()));
        assertEquals(Optional.empty(), log.read(9));
    }

    private static List<AuditRecord> search(AuditLog log, AuditQuery query) throws SQLException {
        return log.search(query, 0, 100);
    }
}
