package org.cxrtriage.app.triage.rollout;

import org.cxrtriage.app.db.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The evidence a version needs before it may become active: a site calibration that meets the
 * minima, or enough studies scored beside the active version (as shadow or canary) with enough
 * agreement about "critical". Radiologists' feedback on the same studies is summarised too.
 */
final class ActivationEvidence {

    /** @param sufficient promotion may go ahead; {@code summary} says on what, or what is missing */
    record Result(boolean sufficient, String summary) {
    }

    private record Pair(boolean candidate, boolean active) {
    }

    private ActivationEvidence() {
    }

    static Result of(Connection connection, ModelVersion candidate, Optional<SiteCalibration.Assessment> calibration,
                     RolloutRules rules) throws SQLException {
        List<Pair> pairs = Sql.query(connection, """
                SELECT c.critical, a.critical
                  FROM triage_result c
                  JOIN triage_result a ON a.job_id = c.job_id AND a.rollout_role = 'active' AND a.status = 'SCORED'
                       AND a.model_id = c.model_id AND a.model_version <> c.model_version
                 WHERE c.model_id = ? AND c.model_version = ? AND c.status = 'SCORED'""",
                row -> new Pair(row.getBoolean(1), row.getBoolean(2)), candidate.modelId(), candidate.version());
        long agreeing = pairs.stream().filter(pair -> pair.candidate() == pair.active()).count();
        double agreement = pairs.isEmpty() ? 0 : (double) agreeing / pairs.size();
        String shadow = String.format(Locale.ROOT, "%d studies scored beside the active version (minimum %d), agreement on"
                + " critical %d/%d = %.3f (minimum %.2f); %s", pairs.size(), rules.minShadowStudies(), agreeing, pairs.size(),
                agreement, rules.minAgreement(), feedback(connection, candidate));
        boolean shadowSuffices = pairs.size() >= rules.minShadowStudies() && agreement >= rules.minAgreement();
        boolean calibrationSuffices = calibration.map(SiteCalibration.Assessment::meets).orElse(false);
        String calibrationText = calibration.map(SiteCalibration.Assessment::summary).orElse(ModelVersion.NOT_SITE_CALIBRATED);
        return new Result(shadowSuffices || calibrationSuffices, calibrationText + "; " + shadow);
    }

    /**
     * Radiologists' feedback on the active version's findings of the same studies, read as the
     * truth (agree: the active finding was right; disagree: it was wrong), against the candidate.
     */
    private static String feedback(Connection connection, ModelVersion candidate) throws SQLException {
        List<Boolean> right = Sql.query(connection, """
                SELECT CASE WHEN fb.agree THEN fc.positive = fa.positive ELSE fc.positive <> fa.positive END
                  FROM triage_result c
                  JOIN triage_result a ON a.job_id = c.job_id AND a.rollout_role = 'active'
                       AND a.model_id = c.model_id AND a.model_version <> c.model_version
                  JOIN finding_result fa ON fa.result_id = a.id
                  JOIN finding_feedback fb ON fb.finding_result_id = fa.id
                  JOIN finding_result fc ON fc.result_id = c.id AND fc.finding_key = fa.finding_key
                 WHERE c.model_id = ? AND c.model_version = ?""", row -> row.getBoolean(1), candidate.modelId(),
                candidate.version());
        long agreeing = right.stream().filter(Boolean::booleanValue).count();
        return right.isEmpty() ? "no radiologist feedback on those studies yet"
                : String.format(Locale.ROOT, "radiologists' feedback agrees with it on %d/%d findings", agreeing, right.size());
    }
}
