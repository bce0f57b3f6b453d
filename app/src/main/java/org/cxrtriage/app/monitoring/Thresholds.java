package org.cxrtriage.app.monitoring;

import org.cxrtriage.app.config.MonitorConfig;

/**
 * When a signal warns or alarms (README "Monitoring", "Signals and thresholds").
 *
 * <p>Drift tests (KS, chi-square, binomial limits) share a family-wise false-signal probability per
 * evaluation, divided over the tests run (Bonferroni): a test warns at p < warningAlpha / m and alarms
 * at p < alarmAlpha / m, and only when its effect is large enough to matter (effect floors), so a
 * large window does not alarm on trivia. The unreliable rate has fixed thresholds on its Wilson
 * 95 % lower bound, so a handful of refused studies in a small window does not alarm.
 *
 * @param warningAlpha      family-wise probability of a false warning per evaluation
 * @param alarmAlpha        family-wise probability of a false alarm per evaluation
 * @param minEffect         KS D or total variation distance needed to warn; twice it to alarm
 * @param unreliableWarning the unreliable rate's lower 95 % bound above which it warns
 * @param unreliableAlarm   ... and alarms
 * @param minStudies        scored studies needed before anything is tested
 */
public record Thresholds(double warningAlpha, double alarmAlpha, double minEffect, double unreliableWarning,
                         double unreliableAlarm, int minStudies) {

    public static Thresholds of(MonitorConfig config) {
        return new Thresholds(config.warningAlpha(), config.alarmAlpha(), config.minEffect(), config.unreliableWarning(),
                config.unreliableAlarm(), config.minStudies());
    }

    /** The effect floor of a distribution signal (KS D, total variation distance) at a level. */
    public double distributionFloor(MonitorStatus level) {
        return level == MonitorStatus.ALARM ? 2 * minEffect : minEffect;
    }

    /** The floor of |rate - reference rate| of a positive rate at a level: half the distribution floor. */
    public double rateFloor(MonitorStatus level) {
        return distributionFloor(level) / 2;
    }

    /** The per-test significance level after dividing over {@code tests} tests. */
    public double perTest(MonitorStatus level, int tests) {
        return (level == MonitorStatus.ALARM ? alarmAlpha : warningAlpha) / Math.max(1, tests);
    }
}
