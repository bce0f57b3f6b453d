package org.cxrtriage.app.monitoring;

import org.cxrtriage.models.stats.BernoulliCusum;
import org.cxrtriage.models.stats.BernoulliCusumDesign;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the model does by its radiologists' word, a pure function of their latest feedback per finding:
 * per finding the agreement rate, the positive predictive value among reviewed positives and the
 * rate of disagreed negatives (missed findings), each with a Wilson 95 % interval, the reasons given
 * with disagreements, and a Bernoulli CUSUM on disagreement (all findings, in order of feedback) that
 * warns when the disagreement rate rises from its in-control rate towards twice it.
 */
public final class FeedbackPerformance {

    static final String CUSUM = "feedback.disagreementCusum";

    /** One finding's performance; PPV over reviewed positives, the missed rate over reviewed negatives. */
    public record FindingPerformance(String finding, Proportion agreement, Proportion positivePredictiveValue,
                                     Proportion disagreedNegatives, Map<String, Long> disagreementReasons) {
    }

    /**
     * @param feedbacks every finding with feedback in the period
     * @param cusum     the disagreement CUSUM as a signal (statistic S, warning limit [0, h])
     */
    public record Performance(long feedbacks, Proportion agreement, List<FindingPerformance> findings,
                              Map<String, Long> disagreementReasons, DriftSignal cusum) {
    }

    private FeedbackPerformance() {
    }

    /** {@code rows}: the latest feedback per finding, oldest first; {@code findings}: the keys to report, in order. */
    public static Performance of(List<FeedbackRow> rows, List<String> findings, double disagreementRate, double arl) {
        List<FindingPerformance> performances = new ArrayList<>();
        List<String> keys = new ArrayList<>(findings);
        rows.stream().map(FeedbackRow::finding).distinct().filter(f -> !keys.contains(f)).sorted().forEach(keys::add);
        for (String finding : keys) {
            List<FeedbackRow> mine = rows.stream().filter(r -> r.finding().equals(finding)).toList();
            performances.add(new FindingPerformance(finding, Proportion.of(mine.stream().filter(FeedbackRow::agree).count(), mine.size()),
                    Proportion.of(mine.stream().filter(r -> r.positive() && r.agree()).count(),
                            mine.stream().filter(FeedbackRow::positive).count()),
                    Proportion.of(mine.stream().filter(r -> !r.positive() && !r.agree()).count(),
                            mine.stream().filter(r -> !r.positive()).count()),
                    reasons(mine)));
        }
        return new Performance(rows.size(), Proportion.of(rows.stream().filter(FeedbackRow::agree).count(), rows.size()),
                performances, reasons(rows), cusum(rows, disagreementRate, arl));
    }

    static Map<String, Long> reasons(List<FeedbackRow> rows) {
        Map<String, Long> reasons = new TreeMap<>();
        for (FeedbackRow row : rows) {
            if (!row.agree()) {
                reasons.merge(row.reason() == null ? "not given" : row.reason(), 1L, Long::sum);
            }
        }
        return reasons;
    }

    /** The chart over all feedback in order; it warns while S is at or above h. */
    static DriftSignal cusum(List<FeedbackRow> rows, double p0, double arl) {
        double p1 = Math.min(0.95, 2 * p0);
        BernoulliCusumDesign.Threshold design = CusumDesigns.threshold(p0, p1, arl);
        BernoulliCusum chart = new BernoulliCusum(p0, p1, design.threshold());
        long disagreements = 0;
        for (FeedbackRow row : rows) {
            chart.observe(!row.agree());
            disagreements += row.agree() ? 0 : 1;
        }
        MonitorStatus level = chart.signalling() ? MonitorStatus.WARNING : MonitorStatus.OK;
        String reason = level == MonitorStatus.OK ? null : String.format(Locale.ROOT,
                "radiologists' disagreement rose: CUSUM S = %.2f reached h = %.2f (in-control rate %.2f, watching for %.2f;"
                        + " %d disagreements in %d feedbacks)", chart.value(), design.threshold(), p0, p1, disagreements, rows.size());
        Proportion rate = Proportion.of(disagreements, rows.size());
        return new DriftSignal(CUSUM, "cusum", "feedback", level.code(), !rows.isEmpty(), chart.value(), null, null,
                (long) rows.size(), null, disagreements, rate.rate(), p0,
                rate.count() == 0 ? null : new DriftSignal.Range(rate.lower(), rate.upper()),
                new DriftSignal.Range(0, design.threshold()), null, null,
                rows.isEmpty() ? "no feedback in the period" : reason);
    }
}
