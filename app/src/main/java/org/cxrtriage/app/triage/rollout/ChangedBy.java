package org.cxrtriage.app.triage.rollout;

/**
 * Who changes a model's rollout: a signed-in administrator (with the network address), the
 * operating-system account running the command line, or the server itself.
 *
 * @param type USER or SYSTEM, as the audit log's actor type
 */
public record ChangedBy(String type, String name, String source) {

    public static ChangedBy commandLine() {
        return new ChangedBy("USER", "os:" + System.getProperty("user.name", "unknown"), "command line");
    }

    public static ChangedBy system() {
        return new ChangedBy("SYSTEM", "cxr-triage", null);
    }

    public static ChangedBy user(String name, String source) {
        return new ChangedBy("USER", name, source);
    }
}
