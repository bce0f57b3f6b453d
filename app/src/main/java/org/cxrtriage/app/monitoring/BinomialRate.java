package org.cxrtriage.app.monitoring;

import org.cxrtriage.models.stats.BinomialControlLimits;
import org.cxrtriage.models.stats.BinomialTest;
import org.cxrtriage.models.stats.WilsonInterval;

import java.util.Locale;

/**
 * A rate against its in-control rate with exact binomial control limits at the level's per-test
 * alpha: a signal when the count leaves the band and the rate differs by at least the rate floor.
 */
final class BinomialRate {

    private BinomialRate() {
    }

    /** {@code worst}: the highest level this rate may raise (the not-scored rate only warns). */
    static DriftSignal signal(String name, String label, String against, long events, long count, double referenceRate,
                              MonitorStatus worst, Thresholds thresholds, int tests) {
        BinomialControlLimits warning = BinomialControlLimits.of(count, referenceRate, thresholds.perTest(MonitorStatus.WARNING, tests));
        BinomialControlLimits alarm = BinomialControlLimits.of(count, referenceRate, thresholds.perTest(MonitorStatus.ALARM, tests));
        double rate = (double) events / count;
        double effect = Math.abs(rate - referenceRate);
        MonitorStatus level = MonitorStatus.OK;
        if (worst == MonitorStatus.ALARM && alarm.outside(events) && effect >= thresholds.rateFloor(MonitorStatus.ALARM)) {
            level = MonitorStatus.ALARM;
        } else if (warning.outside(events) && effect >= thresholds.rateFloor(MonitorStatus.WARNING)) {
            level = MonitorStatus.WARNING;
        }
        BinomialControlLimits band = level == MonitorStatus.ALARM ? alarm : warning;
        String reason = level == MonitorStatus.OK ? null : String.format(Locale.ROOT,
                "%s %.3f (%d of %d) outside the %s band %.3f-%.3f of the rate %.3f in the %s", label, rate, events, count,
                level.code(), band.lowerRate(), band.upperRate(), referenceRate, Levels.describe(against));
        WilsonInterval interval = WilsonInterval.of(events, count);
        return new DriftSignal(name, "binomial", against, level.code(), true, rate, BinomialTest.twoSidedPValue(events, count,
                referenceRate), effect, count, null, events, rate, referenceRate,
                new DriftSignal.Range(interval.lower(), interval.upper()),
                new DriftSignal.Range(warning.lowerRate(), warning.upperRate()),
                worst == MonitorStatus.ALARM ? new DriftSignal.Range(alarm.lowerRate(), alarm.upperRate()) : null, null, reason);
    }
}
