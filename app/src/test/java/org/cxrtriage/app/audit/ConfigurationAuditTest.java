package org.cxrtriage.app.audit;

import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.TriageServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A setting changed between two starts is audited with its old and new value; secrets never appear. */
class ConfigurationAuditTest {

    @TempDir
    Path dir;

    @Test
    void aChangedSettingIsRecordedAtTheNextStart() throws Exception {
        Path data = dir.resolve("data");
        try (TriageServer first = TriageServer.start(Database.H2, data, Map.of("triage.workers.count", 1,
                "datasources.default.password", "db-secret-1"))) {
            assertEquals(1, first.count("SELECT COUNT(*) FROM audit_record WHERE action = 'system.start'"));
            assertEquals(0, first.count("SELECT COUNT(*) FROM audit_record WHERE action = 'config.change'"));
        }
        try (TriageServer second = TriageServer.start(Database.H2, data, Map.of("triage.workers.count", 2,
                "datasources.default.password", "db-secret-1"))) {
            List<List<Object>> changes = second.query("SELECT actor_type, details FROM audit_record WHERE action = 'config.change'");
            assertEquals(1, changes.size());
            assertEquals("SYSTEM", changes.get(0).get(0));
            String details = (String) changes.get(0).get(1);
            assertTrue(details.contains("triage.workers.count: 1 -> 2"), details);
            assertEquals(0, second.count("SELECT COUNT(*) FROM audit_record WHERE details LIKE '%db-secret%'"));
            assertEquals(0, second.count("SELECT COUNT(*) FROM config_state WHERE setting_value LIKE '%db-secret%'"));
        }
    }
}
