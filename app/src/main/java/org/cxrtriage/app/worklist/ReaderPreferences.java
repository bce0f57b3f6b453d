package org.cxrtriage.app.worklist;

import jakarta.inject.Singleton;
import org.cxrtriage.app.db.Sql;

import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How each user wants the reading room to behave, kept on the server so it follows them from
 * workstation to workstation: a sound and a desktop notification when a critical study arrives
 * (both off until the user turns them on), and the width of the list beside an open study.
 */
@Singleton
public final class ReaderPreferences {

    /** The settings there are, each with its default and what it accepts. */
    public enum Setting {
        SOUND("sound", false),
        DESKTOP_NOTIFICATIONS("desktopNotifications", false),
        /** Width of the list beside an open study, in CSS pixels. */
        LIST_WIDTH("listWidth", 420);

        private final String key;
        private final Object defaultValue;

        Setting(String key, Object defaultValue) {
            this.key = key;
            this.defaultValue = defaultValue;
        }

        public String key() {
            return key;
        }

        Object parse(Object value) {
            if (defaultValue instanceof Boolean) {
                if (value instanceof Boolean b) {
                    return b;
                }
                throw new IllegalArgumentException(key + " is true or false");
            }
            if (value instanceof Number n && n.doubleValue() >= 200 && n.doubleValue() <= 2000) {
                return n.intValue();
            }
            throw new IllegalArgumentException(key + " is a number of pixels from 200 to 2000");
        }

        Object read(String stored) {
            return defaultValue instanceof Boolean ? Boolean.valueOf(stored) : Integer.valueOf(stored);
        }

        static Optional<Setting> of(String key) {
            return Arrays.stream(values()).filter(setting -> setting.key.equals(key)).findFirst();
        }
    }

    private final Sql sql;

    public ReaderPreferences(Sql sql) {
        this.sql = sql;
    }

    /** Every setting of {@code user}: what they chose, else the default. */
    public Map<String, Object> of(String user) throws SQLException {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Setting setting : Setting.values()) {
            values.put(setting.key, setting.defaultValue);
        }
        for (String[] row : sql.query("SELECT name, setting_value FROM user_preference WHERE user_name = ?",
                row -> new String[] {row.getString(1), row.getString(2)}, user)) {
            Setting.of(row[0]).ifPresent(setting -> values.put(setting.key, setting.read(row[1])));
        }
        return values;
    }

    /**
     * Stores the given settings of {@code user} (the others stay as they are). Every key and value
     * is checked before anything is written; the message names the one that is wrong.
     */
    public Map<String, Object> set(String user, Map<String, Object> changes) throws SQLException {
        Map<Setting, Object> parsed = new LinkedHashMap<>();
        for (Map.Entry<String, Object> change : changes.entrySet()) {
            Setting setting = Setting.of(change.getKey()).orElseThrow(() -> new IllegalArgumentException("unknown setting '"
                    + change.getKey() + "'; known: " + Arrays.stream(Setting.values()).map(Setting::key)
                    .collect(Collectors.joining(", "))));
            parsed.put(setting, setting.parse(change.getValue()));
        }
        sql.inTransaction(connection -> {
            for (Map.Entry<Setting, Object> change : parsed.entrySet()) {
                Sql.update(connection, "DELETE FROM user_preference WHERE user_name = ? AND name = ?", user,
                        change.getKey().key);
                Sql.update(connection, "INSERT INTO user_preference (user_name, name, setting_value, changed_at)"
                        + " VALUES (?, ?, ?, ?)", user, change.getKey().key, change.getValue().toString(),
                        Instant.now().atOffset(ZoneOffset.UTC));
            }
            return null;
        });
        return of(user);
    }
}
