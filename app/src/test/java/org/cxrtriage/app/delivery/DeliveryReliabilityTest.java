package org.cxrtriage.app.delivery;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.ServerProcess;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.Orthanc;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ServerSocketFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outbox's promises with real peers: a PACS that is down is retried, across a restart of the
 * server, and receives the SR once it is back; a RIS that rejects (AR) is retried until it accepts;
 * two nodes sharing one PostgreSQL database send every result exactly once between them.
 */
class DeliveryReliabilityTest {

    @TempDir
    Path dir;

    @Test
    void aPacsThatIsDownIsRetriedAcrossARestartAndGetsTheSrWhenItIsBack() throws Exception {
        int pacsPort = ServerProcess.freePort();
        AtomicInteger rejections = new AtomicInteger();
        try (MllpResponder ris = new MllpResponder(ServerSocketFactory.getDefault(), message ->
                rejections.getAndIncrement() < 2 ? MllpResponder.acknowledge(message, "AR", "busy, try later", "")
                        : MllpResponder.acknowledge(message, "AA", "", ""))) {
            Map<String, Object> settings = Map.of(
                    "triage.delivery.results-dicom", "PACS@127.0.0.1:" + pacsPort,
                    "triage.delivery.results-hl7", "127.0.0.1:" + ris.port(),
                    "triage.delivery.retry-max", "2s");
            Path data = dir.resolve("data");
            PhantomIdentity study = PhantomIdentity.newStudy();
            Path file = dir.resolve("study.dcm");
            Transcoder.write(PhantomSpec.chestCr(study, 1).withSize(300, 300), Encoding.EXPLICIT_LITTLE_ENDIAN, file);
            String uid = study.studyInstanceUid();

            try (TriageServer first = TriageServer.start(Database.H2, data, settings)) {
                assertTrue(Dcmtk.store(first.dicomPort(), "CXRTRIAGE", "MODALITY", List.of(file)).allSucceeded(1));
                first.awaitCount(1, "SELECT COUNT(*) FROM delivery WHERE study_instance_uid = ? AND kind = 'hl7'"
                        + " AND state = 'SENT' AND attempts = 3", uid);
                first.awaitCount(1, "SELECT COUNT(*) FROM delivery WHERE study_instance_uid = ? AND kind = 'dicom'"
                        + " AND state = 'PENDING' AND attempts >= 3", uid);
                assertEquals(3, ris.received().size(), "two rejections (AR), then accepted");
                assertEquals(1, ris.received().stream().map(m -> m.split("\r")[0].split("\\|")[9]).distinct().count(),
                        "every attempt is the same message: one control ID");
                String error = (String) first.query("SELECT last_error FROM delivery WHERE study_instance_uid = ?"
                        + " AND kind = 'dicom'", uid).get(0).get(0);
                assertTrue(error.contains("127.0.0.1:" + pacsPort), error);
            }

            try (TriageServer second = TriageServer.start(Database.H2, data, settings)) {
                long attemptsBefore = second.count("SELECT attempts FROM delivery WHERE study_instance_uid = ?"
                        + " AND kind = 'dicom'", uid);
                assertEquals(1, second.count("SELECT COUNT(*) FROM delivery WHERE study_instance_uid = ? AND kind = 'dicom'"
                        + " AND state IN ('PENDING', 'SENDING')", uid), "the pending delivery survived the restart");
                try (Orthanc pacs = Orthanc.configure(dir.resolve("orthanc")).aeTitle("PACS").dicomPort(pacsPort).start()) {
                    long up = System.nanoTime();
                    second.awaitCount(1, "SELECT COUNT(*) FROM delivery WHERE study_instance_uid = ? AND kind = 'dicom'"
                            + " AND state = 'SENT'", uid);
                    long toSent = (System.nanoTime() - up) / 1_000_000;
                    long attempts = second.count("SELECT attempts FROM delivery WHERE study_instance_uid = ? AND kind = 'dicom'",
                            uid);
                    assertTrue(attempts > attemptsBefore, attempts + " attempts, " + attemptsBefore + " before the restart");
                    String sr = (String) second.query("SELECT sr_instance_uid FROM delivery WHERE study_instance_uid = ?"
                            + " AND kind = 'dicom'", uid).get(0).get(0);
                    AttributeList stored = SrValidation.read(pacs.instanceFile(pacs.instanceId(sr).orElseThrow(
                            () -> new AssertionError("Orthanc has no SR " + sr + "\n" + pacs.log()))));
                    assertEquals(uid, Attribute.getSingleStringValueOrEmptyString(stored, TagFromName.StudyInstanceUID));
                    assertEquals(List.of(), SrValidation.problems(stored));
                    java.util.regex.Matcher count = java.util.regex.Pattern.compile("\"CountInstances\"\\s*:\\s*(\\d+)")
                            .matcher(pacs.get("/statistics").body());
                    assertTrue(count.find());
                    assertEquals("1", count.group(1), "the PACS holds the SR and nothing else");
                    assertEquals(attempts - 1, second.count("SELECT COUNT(*) FROM audit_record WHERE action = 'result.failed'"
                            + " AND study_uid = ? AND details LIKE 'dicom %'", uid), "every failed attempt is audited");
                    assertEquals(1, second.count("SELECT COUNT(*) FROM audit_record WHERE action = 'result.sent'"
                            + " AND study_uid = ? AND details LIKE 'dicom %'", uid));
                    System.out.printf("PACS down: %d attempts over a restart; sent %d ms after it came back%n", attempts,
                            toSent);
                }
            }
        }
    }

    @Test
    void twoNodesOnPostgresSendEveryResultOnce() throws Exception {
        Set<String> senders = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (MllpResponder ris = new MllpResponder(ServerSocketFactory.getDefault(), message -> {
            // A slow RIS keeps each node's senders busy, so both nodes must claim work.
            sleep(300);
            return MllpResponder.acknowledge(message, "AA", "", "");
        })) {
            Map<String, Object> settings = new HashMap<>(Map.of(
                    "triage.delivery.results-hl7", "127.0.0.1:" + ris.port(),
                    "triage.delivery.workers", 2));
            Path data = dir.resolve("shared");
            Map<String, Object> first = new HashMap<>(settings);
            first.put("triage.delivery.hl7-facility", "NODE-A");
            try (TriageServer a = TriageServer.start(Database.POSTGRES, data, first)) {
                var environment = a.context().getEnvironment();
                Map<String, Object> second = new HashMap<>(settings);
                second.put("triage.delivery.hl7-facility", "NODE-B");
                for (String key : List.of("datasources.default.url", "datasources.default.username",
                        "datasources.default.password")) {
                    second.put(key, environment.getProperty(key, String.class).orElseThrow());
                }
                try (TriageServer b = TriageServer.start(Database.H2, data, second)) {
                    int studies = 8;
                    List<Path> files = new ArrayList<>();
                    for (int i = 0; i < studies; i++) {
                        Path file = dir.resolve("study-" + i + ".dcm");
                        Transcoder.write(PhantomSpec.chestCr(PhantomIdentity.newStudy(), i + 1).withSize(300, 300),
                                Encoding.EXPLICIT_LITTLE_ENDIAN, file);
                        files.add(file);
                    }
                    assertTrue(Dcmtk.store(a.dicomPort(), "CXRTRIAGE", "MODALITY", files.subList(0, studies / 2))
                            .allSucceeded(studies / 2));
                    assertTrue(Dcmtk.store(b.dicomPort(), "CXRTRIAGE", "MODALITY", files.subList(studies / 2, studies))
                            .allSucceeded(studies / 2));
                    a.awaitCount(studies, "SELECT COUNT(*) FROM delivery WHERE kind = 'hl7' AND state = 'SENT'");
                    Thread.sleep(1000);

                    List<String> controlIds = new ArrayList<>();
                    for (String message : ris.received()) {
                        String[] msh = message.split("\r")[0].split("\\|");
                        senders.add(msh[3]);
                        controlIds.add(msh[9]);
                    }
                    assertEquals(studies, controlIds.size(), "one ORU per result: " + controlIds);
                    assertEquals(studies, new HashSet<>(controlIds).size(), "no result sent twice: " + controlIds);
                    assertEquals(Set.of("NODE-A", "NODE-B"), senders, "both nodes sent");
                    assertEquals(studies, a.count("SELECT COUNT(*) FROM audit_record WHERE action = 'result.sent'"));
                    assertEquals(0, a.count("SELECT COUNT(*) FROM delivery WHERE attempts <> 1"));
                    System.out.printf("two nodes: %d results, %d ORUs, from %s%n", studies, controlIds.size(), senders);
                }
            }
        }
    }

    @Test
    void aNodeKilledInTheMiddleOfSendingIsTakenOverByAnotherNodeAndAcknowledgedOnce() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        try (MllpResponder ris = new MllpResponder(ServerSocketFactory.getDefault(), message -> {
            // While the first node lives, the RIS takes each message and does not answer.
            try {
                if (!hold.await(60, TimeUnit.SECONDS)) {
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            return MllpResponder.acknowledge(message, "AA", "", "");
        })) {
            Path data = dir.resolve("crash");
            Map<String, Object> database = Database.POSTGRES.freshDatabase(data);
            String url = (String) database.get("datasources.default.url");
            Map<String, String> environment = Map.of(
                    "TRIAGE_DB_URL", url,
                    "TRIAGE_DB_USER", (String) database.get("datasources.default.username"),
                    "TRIAGE_DB_PASSWORD", (String) database.get("datasources.default.password"),
                    "TRIAGE_RESULTS_HL7", "127.0.0.1:" + ris.port(),
                    "TRIAGE_DELIVERY_TIMEOUT", "3s",
                    "TRIAGE_DELIVERY_LEASE", "6s",
                    "TRIAGE_DELIVERY_RETRY_MAX", "1s");
            PhantomIdentity study = PhantomIdentity.newStudy();
            Path file = dir.resolve("crash.dcm");
            Transcoder.write(PhantomSpec.chestCr(study, 3).withSize(300, 300), Encoding.EXPLICIT_LITTLE_ENDIAN, file);

            ServerProcess first = ServerProcess.start(data, environment, dir.resolve("first.log"));
            try {
                assertTrue(Dcmtk.store(first.dicomPort(), "CXRTRIAGE", "MODALITY", List.of(file)).allSucceeded(1));
                // Killed while it waits for the ACK of a message the RIS has received.
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (ris.received().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(1, ris.received().size(), "the first node's attempt reached the RIS");
            } finally {
                first.kill();
            }
            assertEquals(1L, sql(url, database, "SELECT COUNT(*) FROM delivery WHERE state = 'SENDING'"),
                    "the killed node held the delivery");
            hold.countDown();

            Map<String, Object> settings = new HashMap<>(database);
            settings.put("triage.delivery.results-hl7", "127.0.0.1:" + ris.port());
            settings.put("triage.delivery.timeout", "3s");
            settings.put("triage.delivery.lease", "6s");
            long start = System.nanoTime();
            try (TriageServer second = TriageServer.start(Database.H2, data, settings)) {
                second.awaitCount(1, "SELECT COUNT(*) FROM delivery WHERE state = 'SENT'");
                long takeover = (System.nanoTime() - start) / 1_000_000;
                long attempts = second.count("SELECT attempts FROM delivery");
                assertEquals(1, second.count("SELECT COUNT(*) FROM audit_record WHERE action = 'result.sent'"));
                assertEquals(study.studyInstanceUid(), second.query("SELECT study_uid FROM audit_record"
                        + " WHERE action = 'result.sent'").get(0).get(0));
                assertEquals(1, ris.received().stream().map(m -> m.split("\r")[0].split("\\|")[9]).distinct().count(),
                        "every attempt, before and after the crash, is the same message");
                assertTrue(ris.received().size() >= 2 && ris.received().size() <= attempts,
                        ris.received().size() + " messages for " + attempts + " attempts");
                System.out.printf("node killed mid-send: taken over and acknowledged %d ms after the other node started;"
                        + " %d attempts, %d messages at the RIS%n", takeover, attempts, ris.received().size());
            }
        }
    }

    private static long sql(String url, Map<String, Object> database, String query) throws Exception {
        try (Connection connection = DriverManager.getConnection(url, (String) database.get("datasources.default.username"),
                (String) database.get("datasources.default.password"));
             ResultSet result = connection.createStatement().executeQuery(query)) {
            result.next();
            return result.getLong(1);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
