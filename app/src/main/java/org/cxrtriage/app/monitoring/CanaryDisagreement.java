package org.cxrtriage.app.monitoring;

import org.cxrtriage.app.db.Sql;
import org.cxrtriage.app.triage.rollout.ModelVersion;
import org.cxrtriage.models.stats.BernoulliCusum;
import org.cxrtriage.models.stats.BernoulliCusumDesign;

import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * A canary's disagreement CUSUM: over the studies the canary scored while canary that the active
 * version scored too (the same triage job, whichever of the two decided), in the order they were
 * scored, a Bernoulli CUSUM on "the two disagree about critical". It is designed like the feedback
 * CUSUM: in-control rate p0 (TRIAGE_ROLLOUT_CANARY_DISAGREEMENT_RATE), watching for p1 = 2 p0, with
 * h chosen for an in-control average run length of TRIAGE_MONITOR_CUSUM_ARL studies. S ≥ h is an
 * alarm, which is the stop rule of a canary: it goes back to shadow.
 *
 * <p>Radiologists' feedback does not enter this chart: it arrives hours later and on a fraction of
 * studies, and the two versions are compared on every study at once. It is shown in the evidence
 * before activation and in the feedback CUSUM instead.
 */
public final class CanaryDisagreement {

    public static final String NAME = "canary.disagreementCusum";

    /** One study both versions scored: whether each called it critical. */
    public record Pair(boolean canaryCritical, boolean activeCritical) {
        boolean disagree() {
            return canaryCritical != activeCritical;
        }
    }

    private final double p0;
    private final double arl;

    /**
     * @param p0  the in-control disagreement rate, in (0, 0.475] so that its double stays below 0.95
     * @param arl the in-control average run length, in studies, &gt; 1
     */
    public CanaryDisagreement(double p0, double arl) {
        if (!(p0 > 0 && p0 <= 0.475)) {
            throw new IllegalArgumentException("TRIAGE_ROLLOUT_CANARY_DISAGREEMENT_RATE must be in (0, 0.475] (the chart"
                    + " watches for twice it), not " + p0);
        }
        if (!(arl > 1) || Double.isInfinite(arl)) {
            throw new IllegalArgumentException("TRIAGE_MONITOR_CUSUM_ARL must be a finite number above 1, not " + arl);
        }
        this.p0 = p0;
        this.arl = arl;
    }

    /** The studies the canary and the active version both scored since the canary became canary, oldest first. */
    public static List<Pair> pairs(Sql sql, ModelVersion canary) throws SQLException {
        return sql.query("""
                SELECT c.critical, a.critical
                  FROM triage_result c
                  JOIN triage_result a ON a.job_id = c.job_id AND a.rollout_role = 'active' AND a.status = 'SCORED'
                       AND a.model_id = c.model_id AND a.model_version <> c.model_version
                 WHERE c.model_id = ? AND c.model_version = ? AND c.rollout_role = 'canary' AND c.status = 'SCORED'
                       AND c.created_at >= ?
                 ORDER BY c.id""", row -> new Pair(row.getBoolean(1), row.getBoolean(2)), canary.modelId(),
                canary.version(), canary.stateSince().atOffset(ZoneOffset.UTC));
    }

    /** The chart over {@code pairs} with the designed threshold. */
    public DriftSignal signal(List<Pair> pairs) {
        return signal(pairs, p0, threshold().threshold());
    }

    /** The designed threshold: h for p0 → 2 p0 at the configured in-control run length. */
    public BernoulliCusumDesign.Threshold threshold() {
        return CusumDesigns.threshold(p0, 2 * p0, arl);
    }

    /** The chart from p0 to 2 p0 with threshold h over {@code pairs} in order; alarm while S ≥ h. */
    static DriftSignal signal(List<Pair> pairs, double p0, double h) {
        double p1 = 2 * p0;
        BernoulliCusum chart = new BernoulliCusum(p0, p1, h);
        long disagreements = 0;
        for (Pair pair : pairs) {
            chart.observe(pair.disagree());
            disagreements += pair.disagree() ? 1 : 0;
        }
        MonitorStatus level = chart.signalling() ? MonitorStatus.ALARM : MonitorStatus.OK;
        Proportion rate = Proportion.of(disagreements, pairs.size());
        String reason = level == MonitorStatus.OK ? null : String.format(Locale.ROOT,
                "disagreement CUSUM S = %.2f reached h = %.2f: the canary and the active version disagree about critical"
                        + " on %d of %d studies both scored (in-control rate %.2f, watching for %.2f)",
                chart.value(), h, disagreements, pairs.size(), p0, p1);
        return new DriftSignal(NAME, "cusum", "active version", level.code(), !pairs.isEmpty(), chart.value(), null, null,
                (long) pairs.size(), null, disagreements, rate.rate(), p0,
                rate.count() == 0 ? null : new DriftSignal.Range(rate.lower(), rate.upper()), null,
                new DriftSignal.Range(0, h), null,
                pairs.isEmpty() ? "no study scored by both the canary and the active version yet" : reason);
    }
}
