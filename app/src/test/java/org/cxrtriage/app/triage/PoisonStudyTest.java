package org.cxrtriage.app.triage;

import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.ServerProcess;
import org.cxrtriage.app.support.TestUsers;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Studies whose every stored header value is ten times its VR's maximum length and holds control
 * characters (written by pydicom, a foreign DICOM writer, and pushed with storescu) still reach the
 * worklist, scored or with their reason, on H2 and PostgreSQL; the stored values are bounded; the
 * values appear in no log line, Task status or audit record.
 */
class PoisonStudyTest {

    @TempDir
    Path dir;

    /** pydicom rewrites a phantom with hostile values; {@code modalityToo} also spoils modality, body part and priority. */
    private static final String POISON = """
            import sys, pydicom
            ds = pydicom.dcmread(sys.argv[1])
            marker = sys.argv[3]
            ctl = "\\r\\n\\x1b[31m\\x00\\x07"
            def long(n): return (marker + ctl + "x" * n)[: n]
            ds.PatientName = (long(640) + "=" + long(640) + "=" + long(640) + "=" + long(640))
            ds.PatientID = long(640)
            ds.IssuerOfPatientID = long(640)
            ds.PatientSex = long(160)
            ds.PatientAge = long(40)
            ds.PatientBirthDate = "19700101" * 10
            ds.AccessionNumber = long(160)
            ds.StudyID = long(160)
            ds.StudyDescription = long(640)
            ds.SeriesDescription = long(640)
            ds.InstitutionName = long(640)
            ds.ReferringPhysicianName = long(640)
            ds.Manufacturer = long(640)
            ds.StudyDate = "20261201" * 10
            ds.StudyTime = "101010.123456" * 10
            if sys.argv[4] == "yes":
                ds.Modality = long(160)
                ds.BodyPartExamined = long(160)
                ds.ViewPosition = long(160)
                ds.add_new(0x00401003, "SH", long(160))
            else:
                ds.add_new(0x00401003, "SH", "STAT" + ctl + "x" * 150)
            ds.save_as(sys.argv[2], write_like_original=True)
            """;

    @ParameterizedTest
    @EnumSource(Database.class)
    void studiesWithEveryHeaderValueTenTimesTooLongStillReachTheWorklist(Database database) throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("server.log");
        String marker = "POISON" + Long.toHexString(System.nanoTime()).toUpperCase();
        Path scorable = poisoned("scorable", marker, false);
        Path spoilt = poisoned("spoilt", marker, true);
        Map<String, String> environment = new HashMap<>(Map.of("TRIAGE_LOG_LEVEL", "INFO"));
        database.freshDatabase(data).forEach((key, value) -> environment.put(switch (key) {
            case "datasources.default.url" -> "TRIAGE_DB_URL";
            case "datasources.default.username" -> "TRIAGE_DB_USER";
            default -> "TRIAGE_DB_PASSWORD";
        }, String.valueOf(value)));

        try (ServerProcess server = ServerProcess.start(data, environment, log)) {
            if (database == Database.H2) {
                server.withTestUsers(data);
            } else {
                TestUsers.addTo(postgres(environment));
            }
            assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(scorable, spoilt)).allSucceeded(2));
            String body = "";
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 300 && count(body, "\"resourceType\":\"Task\"") < 2; i++) {
                Thread.sleep(200);
                body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/fhir/Task"))
                        .header("Authorization", TestUsers.basic(Role.RADIOLOGIST, data)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            }
            assertEquals(2, count(body, "\"resourceType\":\"Task\""), "both studies are on the worklist: " + body);
            assertFalse(body.contains(marker + "\\r") || body.contains("\\u001b") || body.contains("xxxxxxxxxxxxxxxxxxxx"),
                    "no raw value in a Task");
            assertTrue(body.contains("\"priority\":\"stat\""), "the order's STAT survived its trailing junk");
        }
        String logged = Files.readString(log);
        assertFalse(logged.contains(marker), "a header value reached the log: " + logged.lines()
                .filter(line -> line.contains(marker)).findFirst().orElse(""));
        assertFalse(Files.exists(data.resolve("db").resolve("cxr-triage.trace.db")), "H2 writes no trace file");
    }

    private Path poisoned(String name, String marker, boolean modalityToo) throws Exception {
        Path clean = dir.resolve(name + "-clean.dcm");
        Transcoder.write(PhantomSpec.chestCr(PhantomIdentity.newStudy(), 3).withSize(300, 300), Encoding.EXPLICIT_LITTLE_ENDIAN,
                clean);
        Path out = dir.resolve(name + ".dcm");
        Process python = new ProcessBuilder("/usr/bin/python3", "-c", POISON, clean.toString(), out.toString(), marker,
                modalityToo ? "yes" : "no").redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes());
        assertTrue(python.waitFor(60, TimeUnit.SECONDS) && python.exitValue() == 0, output);
        return out;
    }

    private static javax.sql.DataSource postgres(Map<String, String> environment) {
        org.postgresql.ds.PGSimpleDataSource dataSource = new org.postgresql.ds.PGSimpleDataSource();
        dataSource.setURL(environment.get("TRIAGE_DB_URL"));
        dataSource.setUser(environment.get("TRIAGE_DB_USER"));
        dataSource.setPassword(environment.get("TRIAGE_DB_PASSWORD"));
        return dataSource;
    }

    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }
}
