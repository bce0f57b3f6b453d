package org.cxrtriage.app.monitoring;

/**
 * One monitored quantity and what it says now: its test statistic, p-value or limits, effect size
 * and counts. Counts and statistics only, never a patient's data. Null fields do not apply.
 *
 * @param name          stable name, e.g. {@code score.pneumothorax}, {@code input.geometry.rows},
 *                      {@code header.manufacturer}, {@code positiveRate.effusion}, {@code unreliableRate}
 * @param kind          ks, chi-square, binomial, rate or cusum
 * @param against       what the window is compared with: profile (the model's reference profile),
 *                      baseline (this site's period before the window), threshold, or feedback
 * @param level         ok, warning or alarm
 * @param tested        false when there were too few values or no reference ({@code note} says which)
 * @param statistic     KS D, Pearson X², the rate, or the CUSUM's S
 * @param pValue        the test's p-value before the multiple-comparison correction
 * @param effect        KS D, total variation distance of the category shares, or |rate - reference rate|
 * @param count         values (studies, feedbacks) in the window
 * @param referenceCount values in the reference or baseline
 * @param events        positives, unreliable or not-scored studies, disagreements
 * @param rate          events / count
 * @param referenceRate the in-control rate
 * @param interval      Wilson 95 % interval of the rate
 * @param warningLimits the warning band (rates), or the warning threshold as its upper end
 * @param alarmLimits   the alarm band (rates), or the alarm threshold as its upper end
 * @param degreesOfFreedom chi-square degrees of freedom
 * @param reason        why it is not ok, in words; or the note on why it was not tested
 */
public record DriftSignal(String name, String kind, String against, String level, boolean tested, Double statistic,
                          Double pValue, Double effect, Long count, Long referenceCount, Long events, Double rate,
                          Double referenceRate, Range interval, Range warningLimits, Range alarmLimits,
                          Integer degreesOfFreedom, String reason) {

    /** A closed range [lower, upper]. */
    public record Range(double lower, double upper) {
    }

    public MonitorStatus status() {
        return MonitorStatus.of(level);
    }

    /** A signal that could not be tested, and why. */
    static DriftSignal notTested(String name, String kind, String against, Long count, String why) {
        return new DriftSignal(name, kind, against, MonitorStatus.OK.code(), false, null, null, null, count, null, null, null,
                null, null, null, null, null, why);
    }
}
