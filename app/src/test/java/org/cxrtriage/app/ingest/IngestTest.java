package org.cxrtriage.app.ingest;

import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.ForeignObjects;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DCMTK against the whole server, on H2 and on PostgreSQL. */
class IngestTest {

    @TempDir
    Path dir;

    private TriageServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Ingest is tested on its own here: no triage workers, so queued jobs stay as assembly left them. */
    private TriageServer start(Database database, Map<String, Object> extra) {
        Map<String, Object> properties = new java.util.HashMap<>(extra);
        properties.put("triage.workers.count", 0);
        server = TriageServer.start(database, dir.resolve("data"), properties);
        return server;
    }

    static Stream<Arguments> databasesAndSyntaxes() {
        List<Arguments> cases = new ArrayList<>();
        for (Database database : Database.values()) {
            for (Encoding encoding : Encoding.values()) {
                if (encoding != Encoding.JPEG_LS_LOSSLESS && encoding != Encoding.JPEG_EXTENDED_12BIT) {
                    cases.add(Arguments.of(database, encoding));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("databasesAndSyntaxes")
    void storesEachAcceptedTransferSyntaxWithItsRow(Database database, Encoding encoding) throws Exception {
        start(database, Map.of());
        PhantomSpec spec = phantom(PhantomIdentity.newStudy(), encoding.bitsStoredFor());
        Path file = dir.resolve("in.dcm");
        Transcoder.write(spec, encoding, file);

        Dcmtk.SendResult sent = Dcmtk.sendAsIs(server.dicomPort(), "CXRTRIAGE", "PACS", file, encoding);

        assertTrue(sent.stored(), sent.output());
        String sop = spec.identity().sopInstanceUid();
        List<Object> row = server.query("SELECT transfer_syntax_uid, calling_ae_title, study_instance_uid, spool_path, size_bytes,"
                + " kind, lossy_compression, content_sha256 FROM instance WHERE sop_instance_uid = ?", sop).get(0);
        assertEquals(encoding.uid(), row.get(0));
        assertEquals("PACS", row.get(1));
        assertEquals(spec.identity().studyInstanceUid(), row.get(2));
        Path spooled = server.dataDir().resolve((String) row.get(3));
        assertEquals(spooled, server.dataDir().resolve("spool").resolve(spec.identity().studyInstanceUid()).resolve(sop + ".dcm"));
        assertEquals(Files.size(spooled), ((Number) row.get(4)).longValue());
        assertEquals("RADIOGRAPH", row.get(5));
        assertEquals(!encoding.lossless(), row.get(6), "lossy compression is recorded per instance (finding 7)");
        assertTrue(((String) row.get(7)).matches("[0-9a-f]{64}"), "content SHA-256: " + row.get(7));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void onlyAllowedCallersAndOurAeTitleMayAssociate(Database database) throws Exception {
        start(database, Map.of("triage.dicom.allowed-callers", "PACS, ORTHANC"));

        assertEquals(0, Dcmtk.echo(server.dicomPort(), "CXRTRIAGE", "PACS").exitCode());
        Dcmtk.Result stranger = Dcmtk.echo(server.dicomPort(), "CXRTRIAGE", "MODALITY9");
        assertTrue(stranger.output().contains("Calling AE Title Not Recognized"), stranger.output());
        Dcmtk.Result wrongCalled = Dcmtk.echo(server.dicomPort(), "OTHERAE", "PACS");
        assertTrue(wrongCalled.output().contains("Called AE Title Not Recognized"), wrongCalled.output());
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void quietStudyGetsOneJobAndALateInstanceReopensIt(Database database) throws Exception {
        start(database, Map.of());
        PhantomIdentity study = PhantomIdentity.newStudy();
        List<Path> files = List.of(write(phantom(study, 12)), write(phantom(study.nextInstance(), 12)));

        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", files).allSucceeded(2));
        server.awaitCount(1, "SELECT COUNT(*) FROM triage_job WHERE study_instance_uid = ?", study.studyInstanceUid());

        assertEquals(List.of("READY", 2, 1), studyRow(study.studyInstanceUid()));
        assertEquals(List.of(1, "NEW_STUDY", "QUEUED"), jobRow(study.studyInstanceUid(), 1));

        Path late = write(phantom(study.nextSeries(), 12));
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(late)).allSucceeded(1));
        server.awaitCount(2, "SELECT COUNT(*) FROM triage_job WHERE study_instance_uid = ?", study.studyInstanceUid());

        assertEquals(List.of("READY", 3, 2), studyRow(study.studyInstanceUid()));
        assertEquals(List.of(2, "LATE_INSTANCE", "QUEUED"), jobRow(study.studyInstanceUid(), 2));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void resendingAnInstanceChangesNothing(Database database) throws Exception {
        start(database, Map.of());
        PhantomIdentity study = PhantomIdentity.newStudy();
        Path file = write(phantom(study, 12));

        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(file, file)).allSucceeded(2));
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(file)).allSucceeded(1));

        assertEquals(1, server.count("SELECT COUNT(*) FROM instance WHERE study_instance_uid = ?", study.studyInstanceUid()));
        assertEquals(1, server.count("SELECT instance_count FROM study WHERE study_instance_uid = ?", study.studyInstanceUid()));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void belowTheFreeSpaceFloorNothingIsStoredOrRecorded(Database database) throws Exception {
        start(database, Map.of("triage.spool.min-free-mb", Long.MAX_VALUE / (2L * 1024 * 1024)));
        PhantomIdentity study = PhantomIdentity.newStudy();

        Dcmtk.StoreRun run = Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(write(phantom(study, 12))));

        assertEquals("Refused: OutOfResources", run.files().get(0).status(), run.output());
        assertEquals(0, server.count("SELECT COUNT(*) FROM instance"));
        assertFalse(Files.exists(server.dataDir().resolve("spool").resolve(study.studyInstanceUid())));
    }

    /**
     * Was "CT objects are refused at negotiation": a PACS forwarding whole studies failed on the
     * first non-radiograph (finding 4). A real CT (pydicom's test corpus) is now stored as a record
     * only, and its study, holding no radiograph, is never assembled or triaged.
     */
    @ParameterizedTest
    @EnumSource(Database.class)
    void ctObjectsAreAcceptedAndRecordedButNeverKeptOrTriaged(Database database) throws Exception {
        start(database, Map.of());
        Path ct = ForeignObjects.pydicomTestFile("CT_small.dcm");

        Dcmtk.StoreRun run = Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(ct));

        assertTrue(run.allSucceeded(1), run.output());
        List<Object> row = server.query("SELECT kind, spool_path, study_instance_uid, pixels_deleted_at FROM instance").get(0);
        assertEquals("OTHER_IMAGE", row.get(0));
        assertEquals(null, row.get(1), "not kept in the spool");
        assertTrue(row.get(3) != null, "nothing for retention to delete");
        String study = (String) row.get(2);
        assertFalse(Files.exists(server.dataDir().resolve("spool").resolve(study)));
        Thread.sleep(2500); // more than the 1 s quiet period plus an assembly poll
        assertEquals("NO_RADIOGRAPH", server.query("SELECT status FROM study WHERE study_instance_uid = ?", study).get(0).get(0));
        assertEquals(0, server.count("SELECT COUNT(*) FROM triage_job WHERE study_instance_uid = ?", study), "never triaged");
        assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'dicom.store' AND study_uid = ?"
                + " AND details LIKE 'stored % (other-image, not triaged, not kept)'", study));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void objectsThatAreNotRadiographsAreKeptWhenTheSiteAsks(Database database) throws Exception {
        start(database, Map.of("triage.dicom.keep-non-images", true));
        Path ct = ForeignObjects.pydicomTestFile("CT_small.dcm");

        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(ct)).allSucceeded(1));

        List<Object> row = server.query("SELECT kind, spool_path, pixels_deleted_at FROM instance").get(0);
        assertEquals("OTHER_IMAGE", row.get(0));
        assertTrue(Files.exists(server.dataDir().resolve((String) row.get(1))));
        assertEquals(null, row.get(2));
    }

    private List<Object> studyRow(String studyUid) throws Exception {
        List<Object> row = server.query("SELECT status, instance_count, revision FROM study WHERE study_instance_uid = ?", studyUid).get(0);
        return List.of(row.get(0), ((Number) row.get(1)).intValue(), ((Number) row.get(2)).intValue());
    }

    /**
     * An installer's {@code mkdir} under umask 022 leaves the data directory world-readable: the
     * server tightens it to 700, and what it writes itself (spooled images, study folders, keys,
     * the audit head) is owner-only from creation, so no other account on the host reads patient data.
     */
    @ParameterizedTest
    @EnumSource(Database.class)
    void patientDataAtRestIsReadableByTheServersAccountOnly(Database database) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        start(database, Map.of());
        PhantomSpec spec = phantom(PhantomIdentity.newStudy(), 12);
        Dcmtk.SendResult sent = Dcmtk.sendAsIs(server.dicomPort(), "CXRTRIAGE", "PACS", write(spec), Encoding.EXPLICIT_LITTLE_ENDIAN);
        assertTrue(sent.stored(), sent.output());
        Path head = data.resolve("audit").resolve("chain-head.log");
        for (int waited = 0; !Files.exists(head) && waited < 150; waited++) {
            Thread.sleep(100); // the head is written every 5 s
        }

        Path studyFolder = data.resolve("spool").resolve(spec.identity().studyInstanceUid());
        assertEquals("rwx------", mode(data), "data directory");
        assertEquals("rwx------", mode(data.resolve("spool")), "spool");
        assertEquals("rwx------", mode(data.resolve("quarantine")), "quarantine");
        assertEquals("rwx------", mode(studyFolder), "study folder");
        assertEquals("rw-------", mode(studyFolder.resolve(spec.identity().sopInstanceUid() + ".dcm")), "spooled image");
        assertEquals("rw-------", mode(data.resolve("patient-id.key")), "patient identity key");
        assertEquals("rw-------", mode(data.resolve("session.key")), "session key");
        assertEquals("rw-------", mode(data.resolve("audit").resolve("chain-head.log")), "audit chain head");
        if (database == Database.H2) {
            assertEquals("rwx------", mode(data.resolve("db")), "embedded database folder");
            assertEquals("rw-------", mode(data.resolve("db").resolve("cxr-triage.mv.db")), "embedded database file");
        }
    }

    private static String mode(Path path) throws java.io.IOException {
        assertTrue(Files.exists(path), path + " exists");
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    /**
     * Attack 9b: with no allow-list any AE title adds studies. That stays possible for a first
     * installation but is never silent: a guidance file on first start, a warning for administrators
     * on /health and on the administration page with the callers seen so far (which is what the
     * list should contain), and none of it once the list is set.
     */
    @ParameterizedTest
    @EnumSource(Database.class)
    void anEmptyAllowListIsShownToAdministratorsWithTheCallersSeen(Database database) throws Exception {
        var startLog = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(CallerAllowList.class);
        startLog.start();
        logger.addAppender(startLog);
        try {
            start(database, Map.of());
        } finally {
            logger.detachAppender(startLog);
        }
        assertTrue(startLog.list.stream().anyMatch(event -> event.getLevel() == ch.qos.logback.classic.Level.WARN
                && event.getFormattedMessage().contains("TRIAGE_DICOM_ALLOWED_CALLERS is empty")), "a warning at start");
        PhantomSpec spec = phantom(PhantomIdentity.newStudy(), 12);
        assertTrue(Dcmtk.sendAsIs(server.dicomPort(), "CXRTRIAGE", "MODALITY7", write(spec), Encoding.EXPLICIT_LITTLE_ENDIAN).stored());

        String guidance = Files.readString(server.dataDir().resolve("dicom-allowed-callers.txt"));
        assertTrue(guidance.contains("TRIAGE_DICOM_ALLOWED_CALLERS="), guidance);
        assertEquals("rw-------", mode(server.dataDir().resolve("dicom-allowed-callers.txt")));
        HttpClient http = HttpClient.newHttpClient();
        String adminHealth = http.send(server.as(Role.ADMIN, "/health").build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(adminHealth.contains("\"allowedCallers\":\"any\""), adminHealth);
        assertTrue(adminHealth.contains("TRIAGE_DICOM_ALLOWED_CALLERS is empty"), adminHealth);
        String anonymousHealth = http.send(HttpRequest.newBuilder(server.uri("/health")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertFalse(anonymousHealth.contains("allowedCallers"), "the allow-list is for administrators: " + anonymousHealth);
        HttpResponse<String> warnings = http.send(server.as(Role.ADMIN, "/api/admin/warnings").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, warnings.statusCode(), warnings.body());
        assertTrue(warnings.body().contains("\"setting\":\"TRIAGE_DICOM_ALLOWED_CALLERS\""), warnings.body());
        assertTrue(warnings.body().contains("\"aeTitle\":\"MODALITY7\",\"instances\":1"), warnings.body());
        assertEquals(403, http.send(server.as(Role.RADIOLOGIST, "/api/admin/warnings").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        server.close();

        server = null;
        Path data = dir.resolve("data2");
        Map<String, Object> properties = new java.util.HashMap<>();
        properties.put("triage.workers.count", 0);
        properties.put("triage.dicom.allowed-callers", "PACS");
        server = TriageServer.start(database, data, properties);
        assertFalse(Files.exists(data.resolve("dicom-allowed-callers.txt")));
        assertEquals("[]", http.send(server.as(Role.ADMIN, "/api/admin/warnings").build(), HttpResponse.BodyHandlers.ofString()).body());
        String configured = http.send(server.as(Role.ADMIN, "/health").build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(configured.contains("\"allowedCallers\":[\"PACS\"]"), configured);
    }

    private List<Object> jobRow(String studyUid, int revision) throws Exception {
        List<Object> row = server.query("SELECT study_revision, reason, status FROM triage_job"
                + " WHERE study_instance_uid = ? AND study_revision = ?", studyUid, revision).get(0);
        return List.of(((Number) row.get(0)).intValue(), row.get(1), row.get(2));
    }

    private Path write(PhantomSpec spec) throws Exception {
        Path file = dir.resolve(spec.identity().sopInstanceUid() + ".dcm");
        Transcoder.write(spec, Encoding.EXPLICIT_LITTLE_ENDIAN, file);
        return file;
    }

    static PhantomSpec phantom(PhantomIdentity identity, int bits) {
        return PhantomSpec.chestCr(identity, 3).withSize(256, 256).withPixels(bits, false, false);
    }
}
