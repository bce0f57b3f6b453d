package org.cxrtriage.app.triage.rollout;

import org.cxrtriage.app.audit.ModelDevice;
import org.cxrtriage.app.db.Sql;
import org.cxrtriage.compliance.AuditAction;
import org.cxrtriage.compliance.chain.AuditEntry;
import org.cxrtriage.compliance.chain.AuditLog;
import org.cxrtriage.models.manifest.ManifestException;
import org.cxrtriage.models.manifest.ModelDirectory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The one writer of the {@code model_version} table: installs, stage changes, rollbacks and
 * automatic rollbacks, each in one transaction with its history row and its audit record, so a
 * change is never visible without the record of who made it and why. Changes to one model are
 * serialised by locking its rows, so two administrators (or two nodes) cannot both activate.
 * Invariant: at most one active and at most one canary version per model id.
 */
public final class ModelRollout {

    private static final String COLUMNS = """
            model_id, version, sha256, directory, calibration_versions, site_calibration, state, canary_percent,
            canary_callers, replaced_version, state_since, installed_at, installed_by""";

    /** A DICOM AE title as peers send it: up to 16 characters of the default repertoire, no backslash. */
    private static final java.util.regex.Pattern AE_TITLE = java.util.regex.Pattern.compile("[\\x20-\\x5B\\x5D-\\x7E]{1,16}");

    private final Sql sql;
    private final AuditLog audit;
    private final Path dataDir;
    private final RolloutRules rules;
    private final AutoRollbackNotice notice;

    public ModelRollout(Sql sql, AuditLog audit, Path dataDir, RolloutRules rules) {
        this(sql, audit, dataDir, rules, AutoRollbackNotice.NONE);
    }

    /** @param notice told of every automatic rollback inside its transaction (the administrators' notification) */
    public ModelRollout(Sql sql, AuditLog audit, Path dataDir, RolloutRules rules, AutoRollbackNotice notice) {
        this.sql = sql;
        this.audit = audit;
        this.dataDir = dataDir;
        this.rules = rules;
        this.notice = notice;
    }

    public Path dataDir() {
        return dataDir;
    }

    public RolloutRules rules() {
        return rules;
    }

    /** Every installed version, by model id and installation time. */
    public List<ModelVersion> list() throws SQLException {
        return sql.query("SELECT " + COLUMNS + " FROM model_version ORDER BY model_id, installed_at, version",
                ModelRollout::row);
    }

    public List<ModelVersion> versions(String modelId) throws SQLException {
        return sql.query("SELECT " + COLUMNS + " FROM model_version WHERE model_id = ? ORDER BY installed_at, version",
                ModelRollout::row, modelId);
    }

    public Optional<ModelVersion> find(String modelId, String version) throws SQLException {
        return sql.queryOne("SELECT " + COLUMNS + " FROM model_version WHERE model_id = ? AND version = ?",
                ModelRollout::row, modelId, version);
    }

    /** Grows with every change; nodes compare it to notice a change cheaply. */
    public long changeMark() throws SQLException {
        return sql.queryOne("SELECT COALESCE(MAX(id), 0) FROM model_version_event", row -> row.getLong(1)).orElse(0L);
    }

    /** Automatic rollbacks of the last 7 days, newest first, for the administrators' banner. */
    public List<String> recentAutoRollbacks() throws SQLException {
        return sql.query("""
                SELECT occurred_at, model_id, version, reason FROM model_version_event
                 WHERE action = 'model.auto-rollback' AND occurred_at > ? ORDER BY id DESC""",
                row -> row.getObject(1, OffsetDateTime.class).toInstant() + " " + row.getString(2) + " " + row.getString(3)
                        + " went back to shadow: " + row.getString(4), now().minusDays(7));
    }

    /** The change log of one model, oldest first. */
    public List<RolloutEvent> history(String modelId) throws SQLException {
        return sql.query("""
                SELECT id, model_id, version, action, from_state, to_state, canary_percent, canary_callers, actor, reason,
                       evidence, forced, occurred_at
                  FROM model_version_event WHERE model_id = ? ORDER BY id""", row -> new RolloutEvent(row.getLong(1),
                row.getString(2), row.getString(3), row.getString(4), Optional.ofNullable(row.getString(5)),
                row.getString(6), Optional.ofNullable(Sql.nullable(row, 7, Integer.class)), callers(row.getString(8)),
                row.getString(9), row.getString(10), Optional.ofNullable(row.getString(11)), row.getBoolean(12),
                row.getObject(13, OffsetDateTime.class).toInstant()), modelId);
    }

    /**
     * Records a verified copy under {@code <data>/models/<id>/<version>} as installed, in state
     * {@code initial} (AVAILABLE for an operator's install; ACTIVE for the configured model on a
     * first start, when the model has no version yet).
     */
    public ModelVersion register(ModelDirectory installed, RolloutState initial, ChangedBy by, String reason)
            throws SQLException, RolloutException {
        String relative = dataDir.relativize(installed.path().toAbsolutePath().normalize()).toString();
        String calibrations = String.join(", ", installed.manifest().findings().stream()
                .map(finding -> finding.calibration().version()).distinct().toList());
        Optional<String> site = SiteCalibration.assess(installed, rules).map(SiteCalibration.Assessment::summary);
        String id = installed.manifest().id();
        String version = installed.manifest().version();
        return sql.inTransaction(connection -> {
            if (find(connection, id, version).isPresent()) {
                throw new RolloutException(id + " " + version + " is already installed; give the new model a new"
                        + " \"version\" in its manifest.json, or use 'model stage' to change the installed one's state");
            }
            if (initial == RolloutState.ACTIVE && active(connection, id).isPresent()) {
                throw new RolloutException(id + " already has an active version");
            }
            OffsetDateTime now = now();
            Sql.update(connection, "INSERT INTO model_version (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?, ?)",
                    id, version, installed.manifest().sha256(), relative, calibrations, site.orElse(null), initial.code(),
                    now, now, by.name());
            ModelVersion row = find(connection, id, version).orElseThrow();
            record(connection, by, AuditAction.MODEL_INSTALL, row, null, initial, reason,
                    "sha256:" + row.sha256() + ", calibration " + calibrations + ", " + site.orElse(ModelVersion.NOT_SITE_CALIBRATED)
                            + ", installed at " + relative, false);
            return row;
        });
    }

    /**
     * Moves a version to {@code target}. A canary needs a share ({@code percent}, default 100) and
     * may be limited to calling AE titles. Activation needs evidence ({@link ActivationEvidence})
     * unless {@code force}, which is audited as such; the version it replaces becomes available.
     * The active version cannot leave ACTIVE except by another's activation or a rollback.
     */
    public Transition stage(String modelId, String version, RolloutState target, Optional<Integer> percent,
                            List<String> callers, ChangedBy by, String reason, boolean force)
            throws SQLException, RolloutException {
        requireReason(reason);
        if (percent.isPresent() && (percent.get() < 0 || percent.get() > 100)) {
            throw new RolloutException("--percent must be between 0 and 100, not " + percent.get());
        }
        if (target != RolloutState.CANARY && (percent.isPresent() || !callers.isEmpty())) {
            throw new RolloutException("--percent and --callers apply to canary only");
        }
        for (String caller : callers) {
            if (!AE_TITLE.matcher(caller).matches()) {
                throw new RolloutException("--callers: '" + bound(caller.replaceAll("\\p{Cntrl}", "?"), 40) + "' is not a calling AE"
                        + " title (1 to 16 printable characters, no backslash); separate several with commas");
            }
        }
        try {
            return sql.inTransaction(connection -> {
                lock(connection, modelId);
                ModelVersion current = find(connection, modelId, version).orElseThrow(() -> new RolloutException(
                        "no installed version '" + version + "' of model '" + modelId + "'; 'model list' shows what is installed"));
                if (current.state() == target && target != RolloutState.CANARY) {
                    throw new RolloutException(current.label() + " is already " + target.code());
                }
                if (current.state() == RolloutState.ACTIVE) {
                    throw new RolloutException(current.label() + " is the active version; activate another version or use"
                            + " 'model rollback " + modelId + "' instead");
                }
                return switch (target) {
                    case ACTIVE -> activate(connection, current, by, reason, force);
                    case CANARY -> canary(connection, current, percent.orElse(100), callers, by, reason);
                    default -> move(connection, current, target, by, AuditAction.MODEL_STAGE, reason, null, false);
                };
            });
        } catch (RolloutException refused) {
            refusal(by, AuditAction.MODEL_STAGE, modelId, version, target.code() + " refused: " + refused.getMessage()
                    + "; reason given: " + reason);
            throw refused;
        }
    }

    /**
     * Undoes the latest promotion of a model: a canary goes back to shadow; without a canary, the
     * version the active one replaced becomes active again and the replacing one goes back to shadow.
     */
    public Transition rollback(String modelId, ChangedBy by, String reason) throws SQLException, RolloutException {
        requireReason(reason);
        try {
            return sql.inTransaction(connection -> {
                lock(connection, modelId);
                Optional<ModelVersion> canary = inState(connection, modelId, RolloutState.CANARY);
                if (canary.isPresent()) {
                    return move(connection, canary.get(), RolloutState.SHADOW, by, AuditAction.MODEL_ROLLBACK, reason, null, false);
                }
                ModelVersion active = active(connection, modelId).orElseThrow(() -> new RolloutException(
                        "model '" + modelId + "' has no active version; 'model list' shows what is installed"));
                String previousVersion = active.replacedVersion().orElseThrow(() -> new RolloutException(active.label()
                        + " replaced no earlier version, so there is nothing to roll back to"));
                ModelVersion previous = find(connection, modelId, previousVersion).orElseThrow();
                if (previous.state() == RolloutState.RETIRED) {
                    throw new RolloutException(previous.label() + " was retired; stage it to available first if it may run again");
                }
                move(connection, active, RolloutState.SHADOW, by, AuditAction.MODEL_ROLLBACK, reason, null, false);
                return setState(connection, previous, RolloutState.ACTIVE, null, List.of(), Optional.empty(), by,
                        AuditAction.MODEL_ROLLBACK, reason, "replaces " + active.version(), false);
            });
        } catch (RolloutException refused) {
            refusal(by, AuditAction.MODEL_ROLLBACK, modelId, "", "refused: " + refused.getMessage() + "; reason given: " + reason);
            throw refused;
        }
    }

    /** A canary back to shadow because its monitoring reached the stop rule; no-op when it is no longer canary. */
    public Optional<Transition> autoRollback(String modelId, String version, String reason) throws SQLException, RolloutException {
        return sql.inTransaction(connection -> {
            lock(connection, modelId);
            Optional<ModelVersion> current = find(connection, modelId, version);
            if (current.isEmpty() || current.get().state() != RolloutState.CANARY) {
                return Optional.empty();
            }
            Transition back = move(connection, current.get(), RolloutState.SHADOW, ChangedBy.system(),
                    AuditAction.MODEL_AUTO_ROLLBACK, reason, null, false);
            notice.rolledBack(connection, back.version(), reason, Instant.now());
            return Optional.of(back);
        });
    }

    /** What a change did, for the person who asked. */
    public record Transition(ModelVersion version, RolloutState from, String evidence, boolean forced) {
        public String describe() {
            return version.label() + ": " + from.code() + " -> " + version.state().code()
                    + (version.state() == RolloutState.CANARY ? " (" + version.share() + ")" : "")
                    + (evidence == null ? "" : "; evidence: " + evidence) + (forced ? "; FORCED" : "");
        }
    }

    private Transition activate(Connection connection, ModelVersion candidate, ChangedBy by, String reason, boolean force)
            throws SQLException, RolloutException {
        ModelDirectory directory;
        try {
            directory = ModelDirectory.open(dataDir.resolve(candidate.directory()));
        } catch (ManifestException e) {
            throw new RolloutException(candidate.label() + " cannot be activated: " + e.getMessage());
        }
        ActivationEvidence.Result evidence = ActivationEvidence.of(connection, candidate,
                SiteCalibration.assess(directory, rules), rules);
        if (!evidence.sufficient() && !force) {
            throw new RolloutException(candidate.label() + " has too little evidence to become active: " + evidence.summary()
                    + ". Run it in shadow or canary until enough studies are scored, or calibrate this version at this site"
                    + " (./cxr-triage calibrate) and install the calibrated version; --force with a reason overrides and is"
                    + " audited as forced");
        }
        Optional<ModelVersion> replaced = active(connection, candidate.modelId());
        if (replaced.isPresent()) {
            move(connection, replaced.get(), RolloutState.AVAILABLE, by, AuditAction.MODEL_STAGE,
                    "replaced by " + candidate.version() + ": " + reason, null, false);
        }
        return setState(connection, candidate, RolloutState.ACTIVE, null, List.of(),
                replaced.map(ModelVersion::version), by, AuditAction.MODEL_STAGE, reason, evidence.summary(), force);
    }

    private Transition canary(Connection connection, ModelVersion candidate, int percent, List<String> callers, ChangedBy by,
                              String reason) throws SQLException, RolloutException {
        Optional<ModelVersion> other = inState(connection, candidate.modelId(), RolloutState.CANARY)
                .filter(canary -> !canary.version().equals(candidate.version()));
        if (other.isPresent()) {
            throw new RolloutException(other.get().label() + " is already the canary; stage it to shadow first");
        }
        if (active(connection, candidate.modelId()).isEmpty()) {
            throw new RolloutException("model '" + candidate.modelId() + "' has no active version for the rest of the studies;"
                    + " activate one first");
        }
        return setState(connection, candidate, RolloutState.CANARY, percent, callers, candidate.replacedVersion(), by,
                AuditAction.MODEL_STAGE, reason, null, false);
    }

    private Transition move(Connection connection, ModelVersion version, RolloutState target, ChangedBy by,
                            AuditAction action, String reason, String evidence, boolean forced) throws SQLException {
        return setState(connection, version, target, null, List.of(), version.replacedVersion(), by, action, reason, evidence,
                forced);
    }

    private Transition setState(Connection connection, ModelVersion version, RolloutState target, Integer percent,
                                List<String> callers, Optional<String> replaced, ChangedBy by, AuditAction action,
                                String reason, String evidence, boolean forced) throws SQLException {
        Sql.update(connection, """
                UPDATE model_version SET state = ?, canary_percent = ?, canary_callers = ?, replaced_version = ?, state_since = ?
                 WHERE model_id = ? AND version = ?""", target.code(), percent,
                callers.isEmpty() ? null : String.join(",", callers), replaced.orElse(null), now(), version.modelId(),
                version.version());
        ModelVersion changed = find(connection, version.modelId(), version.version()).orElseThrow();
        record(connection, by, action, changed, version.state(), target, reason, evidence, forced);
        return new Transition(changed, version.state(), evidence, forced);
    }

    private void record(Connection connection, ChangedBy by, AuditAction action, ModelVersion version, RolloutState from,
                        RolloutState to, String reason, String evidence, boolean forced) throws SQLException {
        Sql.update(connection, """
                INSERT INTO model_version_event (model_id, version, action, from_state, to_state, canary_percent,
                       canary_callers, actor, reason, evidence, forced, occurred_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", version.modelId(), version.version(), action.code(),
                from == null ? null : from.code(), to.code(), version.canaryPercent().orElse(null),
                version.canaryCallers().isEmpty() ? null : String.join(",", version.canaryCallers()), by.name(),
                bound(reason, 1000), evidence == null ? null : bound(evidence, 2000), forced, now());
        audit.append(connection, new AuditEntry(Instant.now(), by.type(), by.name(), action.code(), null,
                List.of(device(version)), "SUCCESS", by.source(), version.label() + ": " + (from == null ? "" : from.code() + " -> ")
                + to.code() + (to == RolloutState.CANARY ? " (" + version.share() + ")" : "") + (forced ? "; FORCED" : "")
                + "; reason: " + reason + (evidence == null ? "" : "; evidence: " + evidence)));
    }

    private void refusal(ChangedBy by, AuditAction action, String modelId, String version, String details) throws SQLException {
        List<String> resources = version.isEmpty() ? List.of() : find(modelId, version).map(ModelRollout::device).stream().toList();
        audit.append(new AuditEntry(Instant.now(), by.type(), by.name(), action.code(), null, resources, "FAILURE",
                by.source(), (modelId + " " + version).trim() + ": " + details));
    }

    static String device(ModelVersion version) {
        return "Device/" + ModelDevice.id(version.modelId(), version.version(), version.sha256());
    }

    private static void requireReason(String reason) throws RolloutException {
        if (reason == null || reason.isBlank()) {
            throw new RolloutException("a reason is required (--reason TEXT): it goes into the audit log and the model's history");
        }
    }

    private static void lock(Connection connection, String modelId) throws SQLException {
        Sql.query(connection, "SELECT version FROM model_version WHERE model_id = ? FOR UPDATE", row -> row.getString(1), modelId);
    }

    private static Optional<ModelVersion> find(Connection connection, String modelId, String version) throws SQLException {
        return Sql.queryOne(connection, "SELECT " + COLUMNS + " FROM model_version WHERE model_id = ? AND version = ?",
                ModelRollout::row, modelId, version);
    }

    private static Optional<ModelVersion> active(Connection connection, String modelId) throws SQLException {
        return inState(connection, modelId, RolloutState.ACTIVE);
    }

    private static Optional<ModelVersion> inState(Connection connection, String modelId, RolloutState state)
            throws SQLException {
        return Sql.queryOne(connection, "SELECT " + COLUMNS + " FROM model_version WHERE model_id = ? AND state = ?",
                ModelRollout::row, modelId, state.code());
    }

    static ModelVersion row(ResultSet row) throws SQLException {
        return new ModelVersion(row.getString(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5),
                Optional.ofNullable(row.getString(6)), RolloutState.parse(row.getString(7)),
                Optional.ofNullable(Sql.nullable(row, 8, Integer.class)), callers(row.getString(9)),
                Optional.ofNullable(row.getString(10)), row.getObject(11, OffsetDateTime.class).toInstant(),
                row.getObject(12, OffsetDateTime.class).toInstant(), row.getString(13));
    }

    static List<String> callers(String text) {
        return text == null ? List.of() : Arrays.stream(text.split(",")).map(String::trim).filter(ae -> !ae.isEmpty()).toList();
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    private static String bound(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length - 1) + "…";
    }
}
