package org.cxrtriage.compliance.chain;

import org.cxrtriage.compliance.support.Database;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever a caller puts in any field — line breaks, NUL, escape sequences, lone surrogates,
 * quotes, JSON and CSV syntax, values far beyond the column sizes — the record is stored, reads
 * back as it was hashed, and the chain verifies. This is the attack that once broke the chain for
 * good: a resource name ending in a newline ({@code GET /api/studies/1.2.3%0A}).
 */
class AnyTextVerifiesTest {

    private static final String[] NASTY = {
            "1.2.3\n", "\n", "a\nb", "\r\n", "\u0000", "x\u0000y", "\u001b[2J", "\"", "\\", "\\\"", "[\"a\",\"b\"]", ",\"X\",",
            "\ud800", "a\udc00b", "\ud83d\ude00", "\u2028", "\u0085", "", " ", "ü", "山田^太郎", "Task/1.2.3", "x".repeat(5000)};

    @ParameterizedTest
    @EnumSource(Database.class)
    void anyStringInAnyFieldIsStoredReadBackAndVerifies(Database database) throws Exception {
        DataSource dataSource = database.fresh();
        AuditLog log = new AuditLog(dataSource);
        Random random = new Random(42);
        List<AuditRecord> written = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            List<String> resources = new ArrayList<>();
            for (int r = random.nextInt(4); r > 0; r--) {
                resources.add(java.util.Objects.requireNonNullElse(text(random), ""));
            }
            written.add(log.append(new AuditEntry(Instant.now(), text(random), text(random), text(random), text(random),
                    resources, text(random), text(random), text(random))));
        }
        List<AuditRecord> read = new ArrayList<>();
        log.readAll(read::add);

        assertEquals(written, read, "every record reads back exactly as it was stored and hashed");
        ChainVerifier verifier = new ChainVerifier();
        read.forEach(verifier::accept);
        assertTrue(verifier.verdict(Optional.of(log.head())).intact());
        assertTrue(read.stream().allMatch(record -> record.format() == AuditRecord.CURRENT_FORMAT));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aResourceWithANewlineIsOneResourceAndIsFoundByExactlyItself(Database database) throws Exception {
        DataSource dataSource = database.fresh();
        AuditLog log = new AuditLog(dataSource);
        log.append(entry(List.of("ImagingStudy/1.2.3\nImagingStudy/9.9.9")));
        log.append(entry(List.of("ImagingStudy/9.9.9")));
        log.append(entry(List.of("Task/1\",\"Task/2")));

        assertEquals(List.of(2L), sequences(log, "ImagingStudy/9.9.9"), "the newline does not forge a second resource");
        assertEquals(List.of(1L), sequences(log, "ImagingStudy/1.2.3\nImagingStudy/9.9.9"));
        assertEquals(List.of(), sequences(log, "Task/2"), "JSON syntax inside a value does not forge a resource");
        assertEquals(List.of(3L), sequences(log, "Task/1\",\"Task/2"));
        AuditRecord first = log.read(1).orElseThrow();
        assertEquals(1, first.entry().resources().size());
        assertTrue(first.intact());
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void oversizedValuesAreCutWithAMarkerInsteadOfFailing(Database database) throws Exception {
        AuditLog log = new AuditLog(database.fresh());
        List<String> manyResources = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            manyResources.add("Observation/" + "f".repeat(100) + i);
        }
        AuditRecord record = log.append(new AuditEntry(Instant.now(), "USER", "u".repeat(2100), "fhir.search", "1".repeat(200),
                manyResources, "SUCCESS", "h".repeat(2100), "d".repeat(10_000)));

        AuditEntry stored = log.read(record.sequence()).orElseThrow().entry();
        assertEquals(AuditEntry.ACTOR, stored.actor().length());
        assertTrue(stored.actor().endsWith("]") && stored.actor().contains("…[+"), stored.actor().substring(180));
        assertEquals(AuditEntry.DETAILS, stored.details().length());
        assertTrue(stored.source().length() <= AuditEntry.SOURCE);
        assertTrue(stored.studyUid().length() <= AuditEntry.STUDY);
        assertTrue(stored.resources().size() < 2000 && stored.resources().get(stored.resources().size() - 1).endsWith("more)"));
        assertTrue(log.read(record.sequence()).orElseThrow().intact());
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void verifyingOnAfterABreakListsEveryBrokenRange(Database database) throws Exception {
        DataSource dataSource = database.fresh();
        AuditLog log = new AuditLog(dataSource);
        for (int i = 0; i < 30; i++) {
            log.append(entry(List.of("Task/" + i)));
        }
        ChainHead head = log.head();
        database.removeAppendOnlyGuards(dataSource);
        Database.execute(dataSource, "UPDATE audit_record SET details = 'changed' WHERE sequence = 5");
        Database.execute(dataSource, "DELETE FROM audit_record WHERE sequence IN (12, 13, 14)");
        Database.execute(dataSource, "UPDATE audit_record SET actor = 'someone else' WHERE sequence IN (20, 21)");

        ChainVerifier firstOnly = new ChainVerifier();
        log.readAll(firstOnly::accept);
        assertEquals(List.of(5L), firstOnly.verdict(Optional.of(head)).brokenRanges().stream()
                .map(ChainVerifier.BrokenRange::from).toList());

        ChainVerifier all = ChainVerifier.keepingGoing();
        log.readAll(all::accept);
        ChainVerifier.Verdict verdict = all.verdict(Optional.of(head));
        assertFalse(verdict.intact());
        assertEquals(List.of("5-5", "12-14", "20-21"), verdict.brokenRanges().stream()
                .map(range -> range.from() + "-" + range.to()).toList(), verdict.brokenRanges().toString());
    }

    private static List<Long> sequences(AuditLog log, String entity) throws Exception {
        List<Long> sequences = new ArrayList<>();
        log.stream(AuditQuery.all().withEntity(entity), record -> sequences.add(record.sequence()));
        return sequences;
    }

    private static AuditEntry entry(List<String> resources) {
        return new AuditEntry(Instant.now(), "USER", "dr.grey", "study.view", null, resources, "SUCCESS", "10.0.0.1", "");
    }

    private static String text(Random random) {
        if (random.nextInt(5) == 0) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (int parts = random.nextInt(4); parts >= 0; parts--) {
            if (random.nextBoolean()) {
                text.append(NASTY[random.nextInt(NASTY.length)]);
            } else {
                for (int c = random.nextInt(12); c > 0; c--) {
                    text.append((char) random.nextInt(0x3000));
                }
            }
        }
        return text.toString();
    }
}
