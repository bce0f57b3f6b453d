package org.cxrtriage.compliance.export;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cxrtriage.compliance.chain.AuditEntry;
import org.cxrtriage.compliance.chain.AuditLog;
import org.cxrtriage.compliance.chain.AuditRecord;
import org.cxrtriage.compliance.chain.ResourceColumn;
import org.cxrtriage.compliance.chain.ChainHead;
import org.cxrtriage.compliance.fhir.AuditEvents;
import org.cxrtriage.compliance.support.Database;
import org.cxrtriage.compliance.support.R4Validator;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exports of a time range: NDJSON holds exactly the range's records as valid R4 AuditEvents, CSV
 * gives back every value it was given, and the manifest's hash, counts and chain head check out.
 * Record n is recorded at T0 + n minutes.
 */
class AuditExportTest {

    private static final Instant T0 = Instant.parse("2026-11-23T08:00:00Z");

    @TempDir
    Path directory;

    private static Instant minute(int n) {
        return T0.plus(Duration.ofMinutes(n));
    }

    private static AuditLog records(DataSource dataSource, int count) throws SQLException {
        AuditLog log = new AuditLog(dataSource);
        for (int i = 1; i <= count; i++) {
            log.append(new AuditEntry(minute(i).plusNanos(123_456_000), i % 2 == 0 ? "USER" : "AE",
                    i % 2 == 0 ? "dr.grey" : "PACS", i % 2 == 0 ? "study.view" : "dicom.store", "1.2.3." + i,
                    List.of("ImagingStudy/1.2.3." + i), i % 5 == 0 ? "FAILURE" : "SUCCESS", "10.0.0." + i, "record " + i));
        }
        return log;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static AuditExport exporter(AuditLog log) {
        return new AuditExport(log, new AuditEvents(), "cxr-triage test");
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void ndjsonHoldsExactlyTheRangeAndTheManifestChecksIt(Database database) throws Exception {
        AuditLog log = records(database.fresh(), 30);
        Path out = directory.resolve("audit.ndjson");
        List<long[]> progress = new ArrayList<>();

        AuditExport.Result result = exporter(log).export(minute(5), minute(20), AuditExport.Format.NDJSON, out,
                (done, total) -> progress.add(new long[]{done, total}));

        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals(15, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            AuditEvent event = FhirContext.forR4Cached().newJsonParser().parseResource(AuditEvent.class, lines.get(i));
            assertEquals(Long.toString(5 + i), event.getIdElement().getIdPart());
            assertEquals(List.of(), R4Validator.errors(lines.get(i)), "line " + (i + 1));
        }
        assertEquals(List.of(15L, 15L), List.of(progress.get(progress.size() - 1)[0], progress.get(progress.size() - 1)[1]));
        assertEquals(16, progress.size());

        JsonNode manifest = new ObjectMapper().readTree(directory.resolve("audit.ndjson.manifest.json").toFile());
        assertEquals("audit.ndjson", manifest.get("file").asText());
        assertEquals("ndjson", manifest.get("format").asText());
        assertEquals(minute(5).toString(), manifest.get("from").asText());
        assertEquals(minute(20).toString(), manifest.get("to").asText());
        assertEquals(sha256(out), manifest.get("sha256").asText());
        assertEquals(15, manifest.get("recordCount").asLong());
        assertEquals(5, manifest.get("firstSequence").asLong());
        assertEquals(19, manifest.get("lastSequence").asLong());
        ChainHead head = log.head();
        assertEquals(30, manifest.get("chainHead").get("sequence").asLong());
        assertEquals(head.hash(), manifest.get("chainHead").get("hash").asText());
        assertTrue(manifest.get("chainVerification").get("intact").asBoolean());
        assertEquals(30, manifest.get("chainVerification").get("recordsChecked").asLong());
        assertEquals("cxr-triage test", manifest.get("producer").asText());
        assertFalse(manifest.get("createdAt").asText().isEmpty());
        assertEquals(result.manifest().sha256(), manifest.get("sha256").asText());
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(List.of("audit.ndjson", "audit.ndjson.manifest.json"),
                    files.map(f -> f.getFileName().toString()).sorted().toList(), "no temporary file left behind");
        }
    }

    @Test
    void csvGivesBackEveryValueAndEveryHash() throws Exception {
        AuditLog log = new AuditLog(Database.H2.fresh());
        List<AuditRecord> written = List.of(
                log.append(new AuditEntry(minute(1), "USER", "o'brien, \"pat\"", "finding.feedback", null,
                        List.of("Observation/f1", "Task/1.2.3"), "SUCCESS", null, "disagree: \"not a nodule\",\nsee prior")),
                log.append(new AuditEntry(minute(2), "AE", "PACS", "dicom.association", null, List.of(), "FAILURE",
                        "10.0.0.9", "rejected:\r\ncalling AE title not recognised")),
                log.append(new AuditEntry(minute(3), "USER", "dr.grey", "config.change", null, List.of(), "SUCCESS",
                        "", "")),
                log.append(new AuditEntry(minute(4), "USER", "zoë", "study.view", "1.2.3", List.of("ImagingStudy/1.2.3"),
                        "SUCCESS", "::1", "ünïcödé, ok")));
        Path out = directory.resolve("audit.csv");

        AuditExport.Result result = exporter(log).export(minute(0), minute(10), AuditExport.Format.CSV, out, (d, t) -> { });

        List<List<String>> rows = Rfc4180.parse(Files.readString(out, StandardCharsets.UTF_8));
        assertEquals(List.of("sequence", "recorded_at", "actor_type", "actor", "action", "study_uid", "resources", "outcome",
                "source", "details", "previous_hash", "hash", "format"), rows.get(0));
        assertEquals(written.size() + 1, rows.size());
        for (int i = 0; i < written.size(); i++) {
            List<String> row = rows.get(i + 1);
            AuditRecord record = written.get(i);
            AuditEntry e = record.entry();
            int format = Integer.parseInt(row.get(12));
            AuditEntry parsed = new AuditEntry(Instant.parse(row.get(1)), row.get(2), row.get(3), row.get(4), row.get(5),
                    ResourceColumn.decode(row.get(6), format), row.get(7), row.get(8), row.get(9));
            assertEquals(e, parsed);
            assertEquals(record, AuditRecord.chain(Long.parseLong(row.get(0)), parsed, row.get(10)));
            assertEquals(record.hash(), row.get(11));
        }
        assertEquals(sha256(out), result.manifest().sha256());
        assertEquals("csv", result.manifest().format());
    }

    @Test
    void anEmptyRangeStillHasAManifest() throws Exception {
        AuditLog log = records(Database.H2.fresh(), 3);
        Path out = directory.resolve("none.ndjson");

        ExportManifest manifest = exporter(log).export(minute(10), minute(20), AuditExport.Format.NDJSON, out,
                (d, t) -> { }).manifest();

        assertEquals(0, Files.size(out));
        assertEquals(0, manifest.recordCount());
        assertEquals(null, manifest.firstSequence());
        assertEquals(null, manifest.lastSequence());
        assertEquals(new ChainHead(3, log.head().hash()), manifest.chainHead());
        assertTrue(manifest.chainVerification().intact());
    }

    @Test
    void aTamperedChainIsReportedInTheManifest() throws Exception {
        DataSource dataSource = Database.H2.fresh();
        AuditLog log = records(dataSource, 10);
        Database.H2.removeAppendOnlyGuards(dataSource);
        Database.execute(dataSource, "UPDATE audit_record SET details = 'nothing to see' WHERE sequence = 8");

        ExportManifest manifest = exporter(log).export(minute(1), minute(3), AuditExport.Format.CSV,
                directory.resolve("audit.csv"), (d, t) -> { }).manifest();

        assertEquals(2, manifest.recordCount());
        assertFalse(manifest.chainVerification().intact());
        assertEquals(8L, manifest.chainVerification().firstBrokenSequence());
        assertTrue(manifest.chainVerification().problem().contains("modified"), manifest.chainVerification().problem());
    }
}
