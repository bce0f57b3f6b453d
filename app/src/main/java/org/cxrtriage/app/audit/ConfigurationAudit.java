package org.cxrtriage.app.audit;

import org.cxrtriage.compliance.AuditAction;
import io.micronaut.context.env.Environment;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import org.cxrtriage.app.db.Sql;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Configuration changes take effect at start-up, so that is where they are audited: every start
 * writes {@code system.start}, and each setting that differs from the last start's is listed in a
 * {@code config.change} record (old and new values; passwords and keys masked).
 */
@Singleton
public final class ConfigurationAudit {

    private static final List<String> PREFIXES = List.of("triage", "micronaut.server", "datasources.default");

    private final Environment environment;
    private final Sql sql;
    private final AuditTrail audit;

    public ConfigurationAudit(Environment environment, Sql sql, AuditTrail audit) {
        this.environment = environment;
        this.sql = sql;
        this.audit = audit;
    }

    @EventListener
    void onStartup(StartupEvent event) throws SQLException {
        Map<String, String> current = effective();
        Map<String, String> previous = stored();
        List<String> changes = new ArrayList<>();
        for (String name : union(current, previous)) {
            String before = previous.get(name);
            String after = current.get(name);
            if (before != null && !before.equals(after) || before == null && !previous.isEmpty()) {
                changes.add(name + ": " + (before == null ? "(unset)" : before) + " -> " + (after == null ? "(unset)" : after));
            }
        }
        audit.system(AuditAction.SYSTEM_START, null, List.of(), true, current.size() + " settings"
                + (previous.isEmpty() ? ", first start" : ", " + changes.size() + " changed since the last start"));
        if (!changes.isEmpty()) {
            String details = String.join("; ", changes);
            audit.system(AuditAction.CONFIG_CHANGE, null, List.of(), true, details.length() > 1900 ? details.substring(0, 1900) + " …" : details);
        }
        store(current);
    }

    /** The settings that shape what the server does, flattened, with secrets masked. */
    Map<String, String> effective() {
        Map<String, String> settings = new TreeMap<>();
        for (String prefix : PREFIXES) {
            environment.getProperties(prefix).forEach((key, value) -> {
                String name = prefix + "." + key;
                if (value != null && !(value instanceof Map) && !(value instanceof Iterable)) {
                    String text = String.valueOf(value);
                    settings.put(name, secret(name) || text.toLowerCase(Locale.ROOT).contains("password=") ? "********" : text);
                }
            });
        }
        return settings;
    }

    private static boolean secret(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.contains("password") || lower.contains("secret") || lower.contains("key-store.password");
    }

    private static List<String> union(Map<String, String> a, Map<String, String> b) {
        TreeMap<String, String> all = new TreeMap<>(a);
        b.forEach(all::putIfAbsent);
        return new ArrayList<>(all.keySet());
    }

    private Map<String, String> stored() throws SQLException {
        Map<String, String> settings = new TreeMap<>();
        sql.query("SELECT setting, setting_value FROM config_state", row -> settings.put(row.getString(1), row.getString(2)));
        return settings;
    }

    private void store(Map<String, String> settings) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        settings.forEach((name, value) -> rows.add(new Object[] {name, value.length() > 2000 ? value.substring(0, 2000) : value}));
        sql.inTransaction(connection -> {
            Sql.update(connection, "DELETE FROM config_state");
            Sql.batch(connection, "INSERT INTO config_state (setting, setting_value) VALUES (?, ?)", rows);
            return null;
        });
    }
}
