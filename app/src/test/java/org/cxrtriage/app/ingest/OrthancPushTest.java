package org.cxrtriage.app.ingest;

import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.PythonPhantoms;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.dicom.image.PixelDecoder;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.ForeignObjects;
import org.cxrtriage.testdata.Orthanc;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomPixels;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Orthanc (Debian package) as the PACS: it pushes a study, one instance of which is JPEG-LS, which
 * we do not accept; Orthanc must transcode it to a syntax we do, and no pixel may change.
 */
class OrthancPushTest {

    @TempDir
    Path dir;

    private TriageServer server;
    private Orthanc orthanc;

    @BeforeEach
    void start() throws Exception {
        server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of("triage.dicom.allowed-callers", "ORTHANC"));
        orthanc = Orthanc.configure(dir.resolve("orthanc")).aeTitle("ORTHANC")
                .modality("cxr", "CXRTRIAGE", "127.0.0.1", server.dicomPort()).start();
    }

    @AfterEach
    void stop() throws Exception {
        if (orthanc != null) {
            orthanc.close();
        }
        server.close();
    }

    @Test
    void orthancPushesAStudyAndTranscodesWhatWeDoNotAccept() throws Exception {
        PhantomIdentity study = PhantomIdentity.newStudy();
        PhantomSpec jpegLs = PhantomSpec.chestCr(study, 21).withSize(300, 300);
        PhantomSpec plain = PhantomSpec.chestCr(study.nextInstance(), 22).withSize(300, 300);
        Path jpegLsFile = dir.resolve("jpegls.dcm");
        Path plainFile = dir.resolve("plain.dcm");
        PhantomPixels original = Transcoder.write(jpegLs, Encoding.JPEG_LS_LOSSLESS, jpegLsFile);
        Transcoder.write(plain, Encoding.EXPLICIT_LITTLE_ENDIAN, plainFile);
        String first = orthanc.upload(jpegLsFile);
        String second = orthanc.upload(plainFile);

        HttpResponse<String> push = orthanc.post("/modalities/cxr/store", "[\"" + first + "\", \"" + second + "\"]");

        assertEquals(200, push.statusCode(), push.body() + "\n" + orthanc.log());
        List<Object> row = server.query("SELECT transfer_syntax_uid, calling_ae_title, spool_path FROM instance"
                + " WHERE sop_instance_uid = ?", jpegLs.identity().sopInstanceUid()).get(0);
        assertNotEquals(Encoding.JPEG_LS_LOSSLESS.uid(), row.get(0));
        assertEquals("ORTHANC", row.get(1));
        assertArrayEquals(original.expected(),
                PixelDecoder.decode(server.dataDir().resolve((String) row.get(2))).firstFrame(),
                "transcoding must be lossless");
        assertEquals(2, server.count("SELECT COUNT(*) FROM instance WHERE study_instance_uid = ?", study.studyInstanceUid()));
    }

    @Test
    void aPneumothoraxStudyPushedByOrthancComesFirstOnTheFhirWorklist() throws Exception {
        PythonPhantoms.Study normal = PythonPhantoms.study(dir, "normal", "none", 51);
        PythonPhantoms.Study pneumothorax = PythonPhantoms.study(dir, "pneumothorax", "pneumothorax", 52);
        String first = orthanc.upload(normal.file());
        String second = orthanc.upload(pneumothorax.file());

        HttpResponse<String> push = orthanc.post("/modalities/cxr/store", "[\"" + first + "\", \"" + second + "\"]");
        assertEquals(200, push.statusCode(), push.body());

        long deadline = System.nanoTime() + 60_000_000_000L;
        String body = "";
        while (System.nanoTime() < deadline) {
            body = HttpClient.newHttpClient().send(server.as(org.cxrtriage.app.security.Role.INTEGRATION,
                    "/fhir/Task?status=ready&_sort=-priority,-triage-score").build(), HttpResponse.BodyHandlers.ofString()).body();
            if (body.contains(normal.studyInstanceUid()) && body.contains(pneumothorax.studyInstanceUid())) {
                break;
            }
            Thread.sleep(200);
        }
        int pneumothoraxAt = body.indexOf("\"Task\",\"id\":\"" + pneumothorax.studyInstanceUid());
        int normalAt = body.indexOf("\"Task\",\"id\":\"" + normal.studyInstanceUid());
        assertTrue(pneumothoraxAt >= 0 && normalAt > pneumothoraxAt, "pneumothorax first: " + body);
    }

    /**
     * Finding 4: a PACS forwards whole studies. Orthanc pushes a DX image and a Basic Text SR
     * (written by pydicom) in ONE request; before, the SR's SOP class was refused at negotiation
     * and Orthanc failed the whole forward (HTTP 500, nothing stored). Now the forward succeeds,
     * the SR is recorded but neither kept nor scored, and the image is triaged.
     */
    @Test
    void aWholeStudyWithAStructuredReportIsForwardedInOneRequestAndOnlyTheImageTriaged() throws Exception {
        PhantomIdentity study = PhantomIdentity.newStudy();
        PhantomSpec dx = PhantomSpec.chestCr(study, 23).withModality("DX");
        Path dxFile = dir.resolve("dx.dcm");
        Path srFile = dir.resolve("sr.dcm");
        Transcoder.write(dx, Encoding.EXPLICIT_LITTLE_ENDIAN, dxFile);
        String srUid = ForeignObjects.basicTextSr(study, srFile);
        String image = orthanc.upload(dxFile);
        String report = orthanc.upload(srFile);

        HttpResponse<String> push = orthanc.post("/modalities/cxr/store", "[\"" + image + "\", \"" + report + "\"]");

        assertEquals(200, push.statusCode(), push.body() + "\n" + orthanc.log());
        assertEquals(List.of("NON_IMAGE", "ORTHANC"), server.query(
                "SELECT kind, calling_ae_title FROM instance WHERE sop_instance_uid = ?", srUid).get(0));
        assertEquals(null, server.query("SELECT spool_path FROM instance WHERE sop_instance_uid = ?", srUid).get(0).get(0),
                "the SR is recorded, not kept");
        assertEquals("RADIOGRAPH", server.query("SELECT kind FROM instance WHERE sop_instance_uid = ?",
                study.sopInstanceUid()).get(0).get(0));
        server.awaitCount(1, "SELECT COUNT(*) FROM worklist_item WHERE study_instance_uid = ?", study.studyInstanceUid());
        assertEquals("scored", server.query("SELECT business_status FROM worklist_item WHERE study_instance_uid = ?",
                study.studyInstanceUid()).get(0).get(0));
        assertEquals(study.sopInstanceUid(), server.query("SELECT sop_instance_uid FROM triage_result"
                + " WHERE study_instance_uid = ? AND shadow = FALSE", study.studyInstanceUid()).get(0).get(0),
                "the DX image was scored, the SR ignored");
        assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'dicom.store' AND study_uid = ?"
                + " AND details = ?", study.studyInstanceUid(), "stored " + srUid + " (non-image, not triaged, not kept)"));
    }
}
